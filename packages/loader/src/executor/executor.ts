import { ChassisError } from '@chassis/kernel';
import { Cancellation } from './cancellation.js';
import { Histogram, type LatencyHistogram } from './histogram.js';

/** Limits of one driver's executor. */
export interface ExecutorOptions {
  /** Calls running at once. Default 32. */
  readonly concurrency: number;
  /** Calls waiting for a slot before new ones get `CHASSIS_E_EXEC_OVERLOADED`. Default 1024. */
  readonly maxQueue: number;
  /** Per-call timeout from submission (queue time counts). Default 30 000 ms. */
  readonly timeoutMs: number;
}

/** Defaults of {@link ExecutorOptions}. */
export const DEFAULT_EXECUTOR_OPTIONS: ExecutorOptions = {
  concurrency: 32,
  maxQueue: 1024,
  timeoutMs: 30_000,
};

/** What an executor has done so far, as plain data (for an admin/metrics package). */
export interface ExecutorMetrics {
  /** Calls that finished (successfully or not), excluding overload rejections. */
  readonly calls: number;
  /** Calls that finished with an error (timeouts and aborts included). */
  readonly errors: number;
  readonly timeouts: number;
  /** Calls refused because the queue was full. */
  readonly rejected: number;
  readonly inFlight: number;
  /** Calls waiting for a slot now. */
  readonly queued: number;
  /** Latency from submission to settlement. */
  readonly latency: LatencyHistogram;
}

/** Options of one call. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

interface Job {
  readonly task: (cancel: Cancellation) => Promise<unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly cancel: Cancellation;
  readonly startedAt: number;
  settled: boolean;
  running: boolean;
  deadline: number;
  timeoutMs: number;
  cleanup: (() => void) | undefined;
}

/**
 * A per-driver executor: bounded concurrency, a bounded queue, a timeout per call that aborts
 * the call's {@link Cancellation} (the driver's `ctx.signal`). A call that times out or is aborted is settled at once and frees its
 * slot; the driver sees the abort on `ctx.signal` and is expected to stop (a driver that does
 * not is caught by the liveness probe in the worker/process tiers).
 */
export class Executor {
  private readonly options: ExecutorOptions;
  private readonly queue: Job[] = [];
  private inFlight = 0;
  private calls = 0;
  private errors = 0;
  private timeouts = 0;
  private rejected = 0;
  private readonly histogram = new Histogram();
  /** Jobs with a deadline. One shared timer serves them all (see {@link track}). */
  private readonly timed = new Set<Job>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    options: Partial<ExecutorOptions> = {},
    private readonly label = 'driver',
  ) {
    this.options = { ...DEFAULT_EXECUTOR_OPTIONS, ...options };
  }

  /** Runs `task` when a slot is free; rejects with `CHASSIS_E_EXEC_*` codes on limits. */
  run<T>(task: (cancel: Cancellation) => Promise<T>, options: RunOptions = {}): Promise<T> {
    if (options.signal?.aborted) return Promise.reject(this.aborted(options.signal.reason));
    if (this.inFlight >= this.options.concurrency && this.queue.length >= this.options.maxQueue) {
      this.rejected++;
      return Promise.reject(
        new ChassisError(
          'CHASSIS_E_EXEC_OVERLOADED',
          `${this.label}: ${this.options.maxQueue} calls are already queued behind ${this.options.concurrency} running; retry later or raise executor.maxQueue`,
          { details: { driver: this.label, queued: this.queue.length, inFlight: this.inFlight } },
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
      const job: Job = {
        task: task as Job['task'],
        resolve: resolve as Job['resolve'],
        reject,
        cancel: new Cancellation(),
        startedAt: performance.now(),
        settled: false,
        running: false,
        deadline: Number.POSITIVE_INFINITY,
        timeoutMs: 0,
        cleanup: undefined,
      };
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        job.deadline = job.startedAt + timeoutMs;
        job.timeoutMs = timeoutMs;
        this.track(job);
      }
      const signal = options.signal;
      if (signal) {
        const onAbort = () => this.fail(job, this.aborted(signal.reason));
        signal.addEventListener('abort', onAbort, { once: true });
        job.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      if (this.inFlight < this.options.concurrency) this.start(job);
      else this.queue.push(job);
    });
  }

  /** A snapshot of the counters. */
  metrics(): ExecutorMetrics {
    return {
      calls: this.calls,
      errors: this.errors,
      timeouts: this.timeouts,
      rejected: this.rejected,
      inFlight: this.inFlight,
      queued: this.queue.length,
      latency: this.histogram.snapshot(),
    };
  }

  private start(job: Job): void {
    job.running = true;
    this.inFlight++;
    let p: Promise<unknown>;
    try {
      p = job.task(job.cancel);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (v) => this.settle(job, () => job.resolve(v), false),
      (e) => this.settle(job, () => job.reject(e), true),
    );
  }

  /**
   * Deadlines share one timer armed at the earliest of them. A timer per call costs more than
   * the call itself in Node (each emptied timer list re-arms the libuv timer), and most calls
   * finish long before their deadline: a settled call just leaves the set, and the timer, when
   * it fires, re-arms itself at the next deadline. The timer is unref'd: it never keeps a
   * process alive on its own.
   */
  private track(job: Job): void {
    this.timed.add(job);
    if (job.deadline < this.timerAt) this.arm(job.deadline);
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, at - performance.now()));
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const job of [...this.timed]) {
      if (job.deadline <= now + 1) {
        this.timeouts++;
        this.fail(
          job,
          new ChassisError(
            'CHASSIS_E_EXEC_TIMEOUT',
            `${this.label}: call did not finish within ${job.timeoutMs} ms`,
            { details: { driver: this.label, timeoutMs: job.timeoutMs } },
          ),
        );
      } else if (job.deadline < next) next = job.deadline;
    }
    if (next < Number.POSITIVE_INFINITY) this.arm(next);
  }

  private fail(job: Job, err: ChassisError): void {
    if (job.settled) return;
    job.cancel.abort(err);
    if (!job.running) {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
    }
    this.settle(job, () => job.reject(err), true);
  }

  private settle(job: Job, finish: () => void, failed: boolean): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup?.();
    this.timed.delete(job);
    this.calls++;
    if (failed) this.errors++;
    this.histogram.record(performance.now() - job.startedAt);
    if (job.running) {
      this.inFlight--;
      const next = this.queue.shift();
      if (next) this.start(next);
    }
    finish();
  }

  private aborted(reason: unknown): ChassisError {
    return new ChassisError('CHASSIS_E_EXEC_ABORTED', `${this.label}: call aborted by its caller`, {
      details: { driver: this.label },
      cause: reason,
    });
  }
}
