import { ChassisError, DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { unwatchAbort, watchAbort } from './abort-watch.js';
import type { Cancellation } from './cancellation.js';
import { Histogram, type LatencyHistogram } from './histogram.js';
import { type CallSink, type ErrorMapper, Job, type JobOwner } from './job.js';

export type { CallSink, ErrorMapper } from './job.js';

/** Limits of one driver's executor. */
export interface ExecutorOptions {
  /** Calls running at once. Default 64 (the kernel configuration's `executor.concurrency`). */
  readonly concurrency: number;
  /** Calls waiting for a slot before new ones get `CHASSIS_E_EXEC_OVERLOADED`. Default 1000. */
  readonly maxQueue: number;
}

/**
 * Defaults of {@link ExecutorOptions}: the kernel configuration's, so that a library user and
 * the server get the same limits.
 */
export const DEFAULT_EXECUTOR_OPTIONS: ExecutorOptions = {
  concurrency: DEFAULT_KERNEL_CONFIG.executor.concurrency,
  maxQueue: DEFAULT_KERNEL_CONFIG.executor.queueLimit,
};

/** What an executor has done so far, as plain data (for an admin/metrics package). */
export interface ExecutorMetrics {
  /** Calls that finished (successfully or not), excluding overload rejections. */
  readonly calls: number;
  /** Calls that finished with an error (timeouts and aborts included). */
  readonly errors: number;
  /** Calls aborted by their deadline owner with a `…_TIMEOUT` reason. */
  readonly timeouts: number;
  /** Calls refused because the queue was full. */
  readonly rejected: number;
  readonly inFlight: number;
  /** Calls waiting for a slot now. */
  readonly queued: number;
  /** Latency from submission to settlement. */
  readonly latency: LatencyHistogram;
}

/** Options of one call: the signal and deadline of the call's one deadline owner. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Absolute deadline (epoch ms): a call still queued past it is not started. */
  readonly deadline?: number;
}

/**
 * A per-driver executor: bounded concurrency and a bounded queue, nothing else. It arms no
 * timer: the call's owner (a compartment, the lifecycle runner, a health check) hands down one
 * signal. An aborted call is settled at once with the signal's reason (when it is a typed
 * error) and frees its slot; the driver sees the abort on `ctx.signal` and is expected to stop
 * (a driver that does not is caught by the handle's liveness probe in the worker/process tiers).
 */
export class Executor implements JobOwner {
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
    return this.submit(
      (sink) => {
        task(sink.cancel).then(
          (v) => sink.resolve(v),
          (e) => sink.reject(e),
        );
      },
      options,
      mapError,
    ) as Promise<T>;
  }

  /**
   * {@link run} for a callback-style task: `task` gets the call's {@link CallSink} and settles
   * it (a synchronous throw rejects it). The caller's promise is the only one of the call: the
   * hot path of every driver call (the handle hands the sink to its environment).
   */
  submit(
    task: (sink: CallSink) => void,
    options: RunOptions = {},
    mapError?: ErrorMapper,
  ): Promise<unknown> {
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
    const job = new Job(task, mapError, performance.now(), this);
    const promise = new Promise<unknown>((resolve, reject) => {
      job.settleResolve = resolve;
      job.settleReject = reject;
    });
    if (options.deadline !== undefined) job.deadline = options.deadline;
    const signal = options.signal;
    if (signal) {
      job.ownerSignal = signal;
      watchAbort(signal, job);
    }
    if (this.inFlight < this.options.concurrency) this.start(job);
    else this.queue.push(job);
    return promise;
  }

  /** @internal The owner's signal aborted: the call is settled now with its reason and frees its slot. */
  abortJob(job: Job, reason: unknown): void {
    this.fail(job, this.aborted(reason));
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
    try {
      job.task(job);
    } catch (err) {
      job.reject(err);
    }
  }

  /** Starts the oldest queued job; one queued past its deadline is failed, not started. */
  private startNext(): void {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      if (next.deadline !== Number.POSITIVE_INFINITY && next.deadline < Date.now()) {
        this.fail(next, this.late(next));
        continue;
      }
      this.start(next);
      return;
    }
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

  /** @internal A job's end (its task settled it, or it failed here). */
  settle(job: Job, value: unknown, error: unknown, failed: boolean): void {
    if (job.settled) return;
    job.settled = true;
    if (job.ownerSignal) unwatchAbort(job.ownerSignal, job);
    this.calls++;
    if (failed) this.errors++;
    this.histogram.record(performance.now() - job.startedAt);
    if (job.running) {
      this.inFlight--;
      this.startNext();
    }
    if (failed) job.settleReject(mapped(job.mapError, error));
    else job.settleResolve(value);
  }

  /**
   * What an aborted call rejects with: the owner's typed reason as it is (a compartment's
   * `CHASSIS_E_RESOURCE_OP_TIMEOUT`, a step's `CHASSIS_E_LIFECYCLE_STEP_TIMEOUT`), anything
   * else as `CHASSIS_E_EXEC_ABORTED` with the reason as cause.
   */
  private aborted(reason: unknown): ChassisError {
    if (ChassisError.is(reason)) {
      if (reason.code.endsWith('_TIMEOUT')) this.timeouts++;
      return reason;
    }
    return new ChassisError('CHASSIS_E_EXEC_ABORTED', `${this.label}: call aborted by its caller`, {
      details: { driver: this.label },
      cause: reason,
    });
  }

  private late(job: Job): ChassisError {
    this.timeouts++;
    return new ChassisError(
      'CHASSIS_E_EXEC_TIMEOUT',
      `${this.label}: call waited for a slot past its deadline and was not started`,
      { details: { driver: this.label, deadline: job.deadline } },
    );
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
