/**
 * The run deadline of a serial compartment's operations: one signal and one timer for the
 * compartment, not one of each per operation.
 *
 * Why: a compartment with a default `timeoutMs` arms a deadline for every facade call, and in
 * Node an `AbortSignal` costs several microseconds to create and a timer about one. That is more
 * than the whole host-side budget of a worker-tier call (≤ 5 % of a bare MessagePort round
 * trip). A compartment runs one operation at a time, so one deadline at a time is armed:
 * - the signal is reused from run to run until a run times out (its controller then aborts with
 *   that run's typed reason and a fresh one serves the next run);
 * - the timer is not re-armed per run: when it fires early (the run it was armed for has
 *   finished and a later one is running) it re-arms for what is left of the current run. A
 *   stream of runs that finish in time costs two clock reads each;
 * - a caller signal (`parent`) is followed for the run alone: one listener added when the run
 *   starts and removed when it settles, so a long-lived caller signal never collects listeners,
 *   and its abort aborts the run's signal with the caller's reason (that run keeps it; the next
 *   run gets a fresh one). The run deadline still holds after a caller abort.
 */
export class RunDeadline {
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (`performance.now()` ms), or `Infinity` when none is armed. */
  private timerAt = Number.POSITIVE_INFINITY;
  /**
   * Deadline of the current run on the monotonic clock, or `Infinity` between runs (a wall-clock
   * step must not expire a run early or late: only the handed-down deadline is epoch ms).
   */
  private due = Number.POSITIVE_INFINITY;
  private expire: (() => unknown) | undefined;
  /** The caller signal the current run follows, if any. */
  private parent: AbortSignal | undefined;

  /**
   * Starts the deadline of one run, `timeoutMs` from now; at expiry the signal aborts with what
   * `onExpire()` returns (the run's typed error). Returns the absolute deadline; read
   * {@link signal} for the signal to hand down. Call {@link clear} when the run settled. With a
   * `parent` (the caller's signal) the run's signal also aborts when it does, with its reason.
   */
  arm(timeoutMs: number, onExpire: () => unknown, parent?: AbortSignal): number {
    // A signal that aborted (a timed-out or cancelled run keeps it) never serves another run.
    if (this.controller?.signal.aborted) this.controller = undefined;
    if (parent !== undefined) {
      if (parent.aborted) this.abortRun(parent.reason);
      else {
        this.parent = parent;
        parent.addEventListener('abort', this.onParentAbort, { once: true });
      }
    }
    const now = performance.now();
    this.due = now + timeoutMs;
    this.expire = onExpire;
    // An armed timer that fires after this run's deadline (a longer timeout before) is too late.
    if (this.timerAt > this.due) this.schedule(now);
    return Date.now() + timeoutMs;
  }

  /** The current run's signal: the same object from run to run until one of them expires. */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** The run settled (in time or not): its deadline no longer applies. The timer stays armed. */
  clear(): void {
    this.due = Number.POSITIVE_INFINITY;
    this.expire = undefined;
    if (this.parent !== undefined) {
      this.parent.removeEventListener('abort', this.onParentAbort);
      this.parent = undefined;
    }
  }

  /** Aborts the current run's signal (created if nobody asked for it yet); the run keeps it. */
  private abortRun(reason: unknown): void {
    this.controller ??= new AbortController();
    this.controller.abort(reason);
  }

  /** Bound once: the caller signal of the current run aborted (`once` removed the listener). */
  private readonly onParentAbort = (): void => {
    const parent = this.parent;
    this.parent = undefined;
    if (parent !== undefined) this.abortRun(parent.reason);
  };

  private schedule(now: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = this.due;
    this.timer = setTimeout(this.fire, this.due - now);
    // Never keeps a process alive on its own: the run it guards does, while it is pending.
    this.timer.unref?.();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.expire === undefined) return; // idle: the next run arms a timer again
    const now = performance.now();
    if (now < this.due) {
      this.schedule(now);
      return;
    }
    const reason = this.expire();
    this.clear();
    // The next run gets a fresh signal (see `arm`): this one stays aborted with this run's
    // reason (or the caller's, when the caller aborted first).
    this.abortRun(reason);
  };
}
