import { Cancellation } from './cancellation.js';

/** Turns a rejection into what the caller of `Executor.run` sees. */
export type ErrorMapper = (err: unknown) => unknown;

/**
 * One submitted call of an executor. A class, not an object literal, so that every job has the
 * same shape: a call costs the executor one object.
 */
export class Job {
  resolve: (v: unknown) => void = noop;
  reject: (e: unknown) => void = noop;
  readonly cancel = new Cancellation();
  settled = false;
  running = false;
  /** The owner's absolute deadline (epoch ms), checked before a queued job starts. */
  deadline = Number.POSITIVE_INFINITY;
  cleanup: (() => void) | undefined = undefined;

  constructor(
    readonly task: (cancel: Cancellation) => Promise<unknown>,
    readonly mapError: ErrorMapper | undefined,
    readonly startedAt: number,
  ) {}
}

function noop(): void {}
