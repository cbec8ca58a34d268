import type { Pending } from './pending.js';
import type { Operation } from './resource.js';
import { RunDeadline } from './run-deadline.js';
import { isThenable } from './submit-options.js';

/** What a {@link SerialRunner} runs for: the compartment that owns the queue and the binding. */
export interface RunSource<D> {
  /** The instance an operation starting now runs against. */
  readonly driver: D;
  /** The next queued entry, removed from the queue; `undefined` when none may start now. */
  next(): Pending<D> | undefined;
  /** Nothing runs and nothing more can start now (drain waiters, a pending close). */
  idle(): void;
  /** The run deadline of `entry` passed: reject its caller and return the signal's reason. */
  timedOut(entry: Pending<D>): unknown;
}

/**
 * Runs a compartment's operations one at a time and owns each run's deadline: it arms it when
 * the operation starts, hands the operation its signal and absolute deadline, and disarms it
 * when the operation settles. The compartment decides what may start ({@link RunSource.next}).
 */
export class SerialRunner<D> {
  /** True while an operation runs. */
  running = false;
  /** The queued entry now running asynchronously (a direct run has none). */
  private current: Pending<D> | undefined = undefined;
  /**
   * Handed to operations that have neither a caller signal nor a timeout. Creating an
   * AbortSignal costs microseconds (the whole per-op budget), so one never-aborting signal is
   * shared by the compartment's operations.
   */
  private readonly idleSignal = new AbortController().signal;
  /** The run deadline of every operation with a timeout: one signal and timer, reused. */
  private readonly deadline = new RunDeadline();

  constructor(private readonly source: RunSource<D>) {}

  /** Idle fast path without a run timeout: runs `op` now, with no entry at all. */
  direct<R>(op: Operation<R, D>, signal: AbortSignal = this.idleSignal): Promise<R> {
    this.running = true;
    let result: R | Promise<R>;
    try {
      result = op(this.source.driver, signal, Number.POSITIVE_INFINITY);
      // Inside the try: a hostile `then` getter must not leave the compartment marked busy.
      if (isThenable(result)) return Promise.resolve(result).then(this.directOk, this.directErr);
    } catch (err) {
      this.finish();
      return Promise.reject(err);
    }
    this.finish();
    return Promise.resolve(result);
  }

  /** Idle fast path with a run timeout: runs `entry` now, without queueing it. */
  now(entry: Pending<D>): void {
    this.running = true;
    if (!this.start(entry)) this.finish();
  }

  /** Starts queued work while idle; loops (never recurses) over synchronous operations. */
  pump(): void {
    while (!this.running) {
      const entry = this.source.next();
      if (entry === undefined) return;
      this.running = true;
      if (this.start(entry)) return;
    }
  }

  /**
   * Runs `entry` (with `running` set); true when it went asynchronous and is still running. A
   * synchronous result or throw settles it at once and clears `running`.
   */
  private start(entry: Pending<D>): boolean {
    let signal = entry.signal ?? this.idleSignal;
    let deadline = Number.POSITIVE_INFINITY;
    // The one deadline of this call, on the runner's one reused signal and timer (a caller
    // signal is followed for this run only): everything below only listens to that signal.
    if (entry.timeoutMs >= 0) {
      deadline = this.deadline.arm(entry.timeoutMs, this.currentTimedOut, entry.signal);
      signal = this.deadline.signal;
    }
    let result: unknown;
    try {
      result = entry.op(this.source.driver, signal, deadline);
      if (isThenable(result)) {
        this.current = entry;
        Promise.resolve(result).then(this.entryOk, this.entryErr);
        return true;
      }
    } catch (err) {
      this.running = false;
      this.clearDeadline(entry);
      entry.reject(err);
      return false;
    }
    this.running = false;
    this.clearDeadline(entry);
    entry.resolve(result);
    return false;
  }

  /** The running operation settled: start the next one, or tell the source it is idle. */
  private finish(): void {
    this.running = false;
    this.pump();
    if (!this.running) this.source.idle();
  }

  private clearDeadline(entry: Pending<D>): void {
    if (entry.timeoutMs >= 0) this.deadline.clear();
  }

  private settleCurrent(): Pending<D> {
    const entry = this.current!;
    this.current = undefined;
    this.clearDeadline(entry);
    return entry;
  }

  // Bound once per compartment so that no run allocates closures of its own.
  private readonly directOk = <T>(value: T): T => {
    this.finish();
    return value;
  };
  private readonly directErr = (err: unknown): never => {
    this.finish();
    throw err;
  };
  private readonly entryOk = (value: unknown): void => {
    this.settleCurrent().resolve(value);
    this.finish();
  };
  private readonly entryErr = (err: unknown): void => {
    this.settleCurrent().reject(err);
    this.finish();
  };
  /** The shared run deadline passed; only an asynchronous run (`current`) can be late. */
  private readonly currentTimedOut = (): unknown => this.source.timedOut(this.current!);
}
