/**
 * A call's cancellation: what an AbortController is, without its cost on the hot path. Node
 * builds an `AbortSignal` (an EventTarget) for several microseconds and charges more per
 * listener; most calls are never aborted and most drivers never look at `ctx.signal`. So the
 * signal is made only when someone reads `signal`, and internal listeners are plain callbacks.
 */
export class Cancellation {
  private controller: AbortController | undefined;
  /** The first listener (a call has one: its transport's abort message), then the others. */
  private first: ((reason: unknown) => void) | undefined;
  private listeners: ((reason: unknown) => void)[] | undefined;
  private isAborted = false;
  private why: unknown;

  get aborted(): boolean {
    return this.isAborted;
  }
  get reason(): unknown {
    return this.why;
  }

  /** A real AbortSignal (created on first read), aborted with the same reason. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }

  /** Runs `listener` on abort (at once if already aborted). */
  onAbort(listener: (reason: unknown) => void): void {
    if (this.isAborted) {
      listener(this.why);
      return;
    }
    if (this.first === undefined) {
      this.first = listener;
      return;
    }
    this.listeners ??= [];
    this.listeners.push(listener);
  }

  /** Aborts once; later calls are ignored. */
  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.why = reason;
    this.controller?.abort(reason);
    const first = this.first;
    const ls = this.listeners;
    this.first = undefined;
    this.listeners = undefined;
    first?.(reason);
    for (const l of ls ?? []) l(reason);
  }
}
