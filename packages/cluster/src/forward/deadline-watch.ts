/**
 * One timer for the caller deadlines of every forwarded call a channel server runs, instead
 * of a `setTimeout` and a `clearTimeout` per call (a measurable part of a forwarded call's
 * cost on the owner). The timer is always armed at or before the earliest deadline still
 * watched; when it fires, every call whose deadline passed expires and the timer is armed
 * for the earliest one left. A forwarder sends deadlines in arrival order (same timeout,
 * later start), so a new call rarely re-arms it.
 */
export class DeadlineWatch {
  private readonly watched = new Map<object, { deadline: number; expire: () => void }>();
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Number.POSITIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** Calls `expire` once `deadline` (epoch ms) passed, unless `unwatch(key)` came first. */
  watch(key: object, deadline: number, expire: () => void): void {
    this.watched.set(key, { deadline, expire });
    if (deadline < this.armedAt) this.arm(deadline);
  }

  /** The call settled: its deadline no longer matters. */
  unwatch(key: object): void {
    this.watched.delete(key);
    if (this.watched.size === 0) this.disarm();
  }

  /** Calls watched now (tests). */
  get size(): number {
    return this.watched.size;
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - this.now()));
    // Never keeps a process alive on its own: the calls it guards do.
    this.timer.unref();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const t = this.now();
    let next = Number.POSITIVE_INFINITY;
    const due: Array<() => void> = [];
    for (const [key, w] of this.watched) {
      if (w.deadline <= t) {
        this.watched.delete(key);
        due.push(w.expire);
      } else if (w.deadline < next) next = w.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    for (const expire of due) expire();
  }
}
