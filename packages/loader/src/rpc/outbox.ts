import type { Batch } from './protocol.js';

const RESOLVED = Promise.resolve();

/** Most messages one batch frame carries. */
export const MAX_BATCH = 256;

/** Options of an {@link Outbox}. */
export interface OutboxOptions<M> {
  /** Posts one frame (a message, or a batch of them); may throw (a value that cannot be cloned). */
  readonly post: (frame: M | Batch<M>) => void;
  /**
   * A queued message could not be posted, even alone. The sender decides what it becomes (the
   * guest answers the call with the error instead; the host rejects the call).
   */
  readonly unsendable: (message: M, error: unknown) => void;
  /** Bytes (an upper-bound estimate) one batch may hold; a message that would pass it is posted in the next frame. */
  readonly maxBatchBytes: number;
}

/**
 * Coalesces the messages sent in one turn into one frame. Per message, a worker's MessagePort
 * costs a clone call, a wake-up of the other thread and an event dispatch there, whatever the
 * message's size: 64 calls issued in one turn (`Promise.all`) were 64 of each on both sides.
 *
 * The first message of a turn is posted at once, so a lone call waits for nothing; the ones that
 * follow it in the same turn are queued and posted together when the turn's microtasks run.
 * Between {@link hold} and {@link release} (the guest handling one incoming frame) everything is
 * queued and posted on release. Order is kept: every message of a peer goes through its outbox.
 */
export class Outbox<M> {
  private queue: M[] = [];
  private bytes = 0;
  /** A message went out in this turn: the ones after it wait for the turn's end. */
  private open = false;
  private held = false;

  constructor(private readonly options: OutboxOptions<M>) {}

  /**
   * Sends `message`. `size` is an upper bound of its clone size; a message of unknown size
   * (`undefined`) is never batched with others.
   */
  send(message: M, size?: number): void {
    if (!this.held && !this.open) {
      this.open = true;
      // A resolved promise's `then`: a third of `queueMicrotask`'s cost in Node.
      void RESOLVED.then(this.endTurn);
      this.postOne(message);
      return;
    }
    if (size === undefined) {
      this.flush();
      this.postOne(message);
      return;
    }
    if (this.queue.length >= MAX_BATCH || this.bytes + size > this.options.maxBatchBytes) {
      this.flush();
    }
    this.queue.push(message);
    this.bytes += size;
  }

  /** Queues everything sent until {@link release}. */
  hold(): void {
    this.held = true;
  }

  /** Posts what was queued since {@link hold} as one frame. */
  release(): void {
    this.held = false;
    this.flush();
  }

  /** Posts what is queued now (one frame; one message goes as itself). */
  flush(): void {
    const q = this.queue;
    if (q.length === 0) return;
    this.bytes = 0;
    if (q.length === 1) {
      // One message goes as itself, and the queue is reused: a lone answer allocates nothing here.
      const m = q[0] as M;
      q.length = 0;
      this.postOne(m);
      return;
    }
    this.queue = [];
    try {
      this.options.post({ t: 'batch', m: q });
    } catch {
      // One of them cannot be cloned: each goes alone, and only the culprit is replaced.
      for (const m of q) this.postOne(m);
    }
  }

  private postOne(m: M): void {
    try {
      this.options.post(m);
    } catch (err) {
      this.options.unsendable(m, err);
    }
  }

  private readonly endTurn = (): void => {
    this.open = false;
    if (!this.held) this.flush();
  };
}
