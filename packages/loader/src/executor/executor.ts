import { ChassisError } from '@chassis/kernel';
import type { Cancellation } from './cancellation.js';
import { Histogram, type LatencyHistogram } from './histogram.js';
import { DeadlineList, type ErrorMapper, Job } from './job.js';

export type { ErrorMapper } from './job.js';

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
  private readonly timed = new DeadlineList();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    options: Partial<ExecutorOptions> = {},
    private readonly label = 'driver',
  ) {
    this.options = { ...DEFAULT_EXECUTOR_OPTIONS, ...options };
  }

  /**
   * Runs `task` when a slot is free; rejects with `CHASSIS_E_EXEC_*` codes on limits. Every
   * rejection (the task's and the executor's own) goes through `mapError` when given: the same
   * as a `.catch` on the result, without one more promise per call on the hot path.
   */
  run<T>(
    task: (cancel: Cancellation) => Promise<T>,
    options: RunOptions = {},
    mapError?: ErrorMapper,
  ): Promise<T> {
    if (options.signal?.aborted) {
      return Promise.reject(mapped(mapError, this.aborted(options.signal.reason)));
    }
    if (this.inFlight >= this.options.concurrency && this.queue.length >= this.options.maxQueue) {
      this.rejected++;
      return Promise.reject(
        mapped(
          mapError,
          new ChassisError(
            'CHASSIS_E_EXEC_OVERLOADED',
            `${this.label}: ${this.options.maxQueue} calls are already queued behind ${this.options.concurrency} running; retry later or raise executor.maxQueue`,
            { details: { driver: this.label, queued: this.queue.length, inFlight: this.inFlight } },
          ),
        ),
      );
    }
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const job = new Job(task, mapError, performance.now());
    const promise = new Promise<T>((resolve, reject) => {
      job.resolve = resolve as Job['resolve'];
      job.reject = reject;
    });
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
    return promise;
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
      (v) => this.settle(job, v, undefined, false),
      (e) => this.settle(job, undefined, e, true),
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
    // A millisecond of slack: a timer may fire a little before the deadline it was armed for.
    const { expired, next } = this.timed.due(performance.now() + 1);
    for (const job of expired) {
      if (job.settled) continue;
      this.timeouts++;
      this.fail(
        job,
        new ChassisError(
          'CHASSIS_E_EXEC_TIMEOUT',
          `${this.label}: call did not finish within ${job.timeoutMs} ms`,
          { details: { driver: this.label, timeoutMs: job.timeoutMs } },
        ),
      );
    }
    // Calls submitted while the expired ones failed may already have armed an earlier timer.
    if (next < this.timerAt) this.arm(next);
  }

  private fail(job: Job, err: ChassisError): void {
    if (job.settled) return;
    job.cancel.abort(err);
    if (!job.running) {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
    }
    this.settle(job, undefined, err, true);
  }

  private settle(job: Job, value: unknown, error: unknown, failed: boolean): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup?.();
    this.timed.remove(job);
    this.calls++;
    if (failed) this.errors++;
    this.histogram.record(performance.now() - job.startedAt);
    if (job.running) {
      this.inFlight--;
      const next = this.queue.shift();
      if (next) this.start(next);
    }
    if (failed) job.reject(mapped(job.mapError, error));
    else job.resolve(value);
  }

  private aborted(reason: unknown): ChassisError {
    return new ChassisError('CHASSIS_E_EXEC_ABORTED', `${this.label}: call aborted by its caller`, {
      details: { driver: this.label },
      cause: reason,
    });
  }
}

/** `mapError(err)`, or what it threw (a mapper that throws must not leave a call unsettled). */
function mapped(mapError: ErrorMapper | undefined, err: unknown): unknown {
  if (!mapError) return err;
  try {
    return mapError(err);
  } catch (thrown) {
    return thrown;
  }
}
