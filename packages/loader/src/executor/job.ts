import type { AbortWatcher } from './abort-watch.js';
import { Cancellation } from './cancellation.js';

/** Turns a rejection into what the caller of `Executor.run` sees. */
export type ErrorMapper = (err: unknown) => unknown;

/**
 * The end of one running call, handed to a callback-style task (`Executor.submit`): the task
 * settles it once (later calls are ignored). No promise is made for the task itself: an answer
 * that arrives on a port settles the caller's one promise in the same turn.
 */
export interface CallSink {
  /** Aborted when the call's owner aborts it (its deadline, its caller). */
  readonly cancel: Cancellation;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** What a job reports to its executor. */
export interface JobOwner {
  settle(job: Job, value: unknown, error: unknown, failed: boolean): void;
  abortJob(job: Job, reason: unknown): void;
}

/**
 * One submitted call of an executor. A class, not an object literal, so that every job has the
 * same shape: a call costs the executor one object (and the caller's promise). The job is its
 * own {@link Cancellation} (`cancel` is the job), so that a call makes no second object for it.
 */
export class Job extends Cancellation implements AbortWatcher, CallSink {
  /** The caller's promise. */
  settleResolve: (v: unknown) => void = noop;
  settleReject: (e: unknown) => void = noop;
  settled = false;
  running = false;
  /** The owner's absolute deadline (epoch ms), checked before a queued job starts. */
  deadline = Number.POSITIVE_INFINITY;
  /** The owner's signal, watched while the job is pending. */
  ownerSignal: AbortSignal | undefined = undefined;

  constructor(
    readonly task: (sink: CallSink) => void,
    readonly mapError: ErrorMapper | undefined,
    readonly startedAt: number,
    private readonly owner: JobOwner,
  ) {
    super();
  }

  /** The call's cancellation: the job itself. */
  get cancel(): Cancellation {
    return this;
  }

  resolve(value: unknown): void {
    this.owner.settle(this, value, undefined, false);
  }

  reject(error: unknown): void {
    this.owner.settle(this, undefined, error, true);
  }

  ownerAborted(reason: unknown): void {
    this.owner.abortJob(this, reason);
  }
}

function noop(): void {}
