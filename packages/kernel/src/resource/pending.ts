import type { Operation } from './resource.js';

/**
 * One queued operation. A class (not an object literal) so every entry has the same shape and
 * the hot path stays monomorphic. `done` flips once, when the entry leaves the queue for any
 * reason (started, aborted, timed out, closed); every exit path checks it first.
 */
export class Pending<D> {
  done = false;
  /** Armed only while the compartment is suspended and `suspendTimeoutMs` was given. */
  suspendTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Removes the caller-signal listener; set only when a caller signal was given. */
  unlisten: (() => void) | undefined = undefined;

  constructor(
    readonly op: Operation<unknown, D>,
    readonly resolve: (value: unknown) => void,
    readonly reject: (reason: unknown) => void,
    readonly signal: AbortSignal | undefined,
    /** Negative when not requested. */
    readonly suspendTimeoutMs: number,
    /** Negative when not requested. */
    readonly timeoutMs: number,
  ) {}

  /** Drops the queue-time hooks (suspend timer, abort listener); the entry is leaving the queue. */
  detach(): void {
    this.done = true;
    if (this.suspendTimer !== undefined) {
      clearTimeout(this.suspendTimer);
      this.suspendTimer = undefined;
    }
    if (this.unlisten !== undefined) {
      this.unlisten();
      this.unlisten = undefined;
    }
  }
}

/**
 * FIFO of pending entries with O(1) push/shift and lazy removal: a cancelled entry stays in
 * place marked `done` and is skipped when reached, so aborts and timeouts never scan the queue.
 */
export class PendingQueue<D> {
  private items: (Pending<D> | undefined)[] = [];
  private head = 0;
  /** Entries not yet `done`. */
  live = 0;

  push(entry: Pending<D>): void {
    this.items.push(entry);
    this.live++;
  }

  /** The oldest live entry, removed from the queue (not yet marked done), or undefined. */
  shift(): Pending<D> | undefined {
    const items = this.items;
    while (this.head < items.length) {
      const entry = items[this.head];
      items[this.head++] = undefined;
      if (entry !== undefined && !entry.done) {
        this.live--;
        this.compact();
        return entry;
      }
    }
    this.compact();
    return undefined;
  }

  /** Call when a queued entry was marked done out of order (aborted, timed out). */
  dropped(): void {
    this.live--;
  }

  /** Live entries in FIFO order (a snapshot). */
  snapshot(): Pending<D>[] {
    const out: Pending<D>[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const entry = this.items[i];
      if (entry !== undefined && !entry.done) out.push(entry);
    }
    return out;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
