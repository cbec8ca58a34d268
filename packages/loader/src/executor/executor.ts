import { ChassisError } from '@chassis/kernel';
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
  readonly task: (signal: AbortSignal) => Promise<unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly ac: AbortController;
  readonly startedAt: number;
  settled: boolean;
  running: boolean;
  cleanup: () => void;
}

/**
 * A per-driver executor: bounded concurrency, a bounded queue, a timeout per call that aborts
 * the call's AbortSignal. A call that times out or is aborted is settled at once and frees its
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

  constructor(
    options: Partial<ExecutorOptions> = {},
    private readonly label = 'driver',
  ) {
    this.options = { ...DEFAULT_EXECUTOR_OPTIONS, ...options };
  }

  /** Runs `task` when a slot is free; rejects with `CHASSIS_E_EXEC_*` codes on limits. */
  run<T>(task: (signal: AbortSignal) => Promise<T>, options: RunOptions = {}): Promise<T> {
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
        ac: new AbortController(),
        startedAt: performance.now(),
        settled: false,
        running: false,
        cleanup: () => {},
      };
      const timer =
        timeoutMs > 0 && Number.isFinite(timeoutMs)
          ? setTimeout(() => {
              this.timeouts++;
              this.fail(
                job,
                new ChassisError(
                  'CHASSIS_E_EXEC_TIMEOUT',
                  `${this.label}: call did not finish within ${timeoutMs} ms`,
                  { details: { driver: this.label, timeoutMs } },
                ),
              );
            }, timeoutMs)
          : undefined;
      const onAbort = () => this.fail(job, this.aborted(options.signal?.reason));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      job.cleanup = () => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
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
      p = job.task(job.ac.signal);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (v) => this.settle(job, () => job.resolve(v), false),
      (e) => this.settle(job, () => job.reject(e), true),
    );
  }

  private fail(job: Job, err: ChassisError): void {
    if (job.settled) return;
    job.ac.abort(err);
    if (!job.running) {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
    }
    this.settle(job, () => job.reject(err), true);
  }

  private settle(job: Job, finish: () => void, failed: boolean): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup();
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
