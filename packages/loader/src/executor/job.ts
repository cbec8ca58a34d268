import type { AbortWatcher } from './abort-watch.js';
import { Cancellation } from './cancellation.js';

/** Turns a rejection into what the caller of `Executor.run` sees. */
export type ErrorMapper = (err: unknown) => unknown;

/**
 * One submitted call of an executor. A class, not an object literal, so that every job has the
 * same shape: a call costs the executor one object.
 */
export class Job implements AbortWatcher {
  resolve: (v: unknown) => void = noop;
  reject: (e: unknown) => void = noop;
  readonly cancel = new Cancellation();
  settled = false;
  running = false;
  /** The owner's absolute deadline (epoch ms), checked before a queued job starts. */
  deadline = Number.POSITIVE_INFINITY;
  /** The owner's signal, watched while the job is pending. */
  signal: AbortSignal | undefined = undefined;

  constructor(
    readonly task: (cancel: Cancellation) => Promise<unknown>,
    readonly mapError: ErrorMapper | undefined,
    readonly startedAt: number,
    /** What the executor does when the owner's signal aborts. */
    private readonly onAbort: (job: Job, reason: unknown) => void,
  ) {}

  aborted(reason: unknown): void {
    this.onAbort(this, reason);
  }
}

function noop(): void {}
