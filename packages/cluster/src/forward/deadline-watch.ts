/** A call whose caller deadline a {@link DeadlineWatch} guards. */
export interface Watched {
  /** Epoch ms (`Date.now()` clock, the caller's absolute deadline). */
  readonly deadline: number;
  /** The deadline passed while the call was watched. */
  expire(): void;
}

/**
 * One timer for the caller deadlines of every forwarded call a channel server runs, instead
 * of a `setTimeout` and a `clearTimeout` per call (a measurable part of a forwarded call's
 * cost on the owner). The timer is always armed at or before the earliest deadline still
 * watched; when it fires, every call whose deadline passed expires and the timer is armed
 * for the earliest one left. A forwarder sends deadlines in arrival order (same timeout,
 * later start), so a new call rarely re-arms it, and a settled call does not disarm it: a
 * timer that fires with nothing due arms the next one (or none), so a stream of calls that
 * each settle in time costs one timer per timeout period, not one per call.
 */
export class DeadlineWatch {
  private readonly watched = new Set<Watched>();
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Number.POSITIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** Calls `w.expire()` once `w.deadline` passed, unless `unwatch(w)` came first. */
  watch(w: Watched): void {
    this.watched.add(w);
    if (w.deadline < this.armedAt) this.arm(w.deadline);
  }

  /** The call settled: its deadline no longer matters. */
  unwatch(w: Watched): void {
    this.watched.delete(w);
  }

  /** Calls watched now (tests). */
  get size(): number {
    return this.watched.size;
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(this.fire, Math.max(0, at - this.now()));
    // Never keeps a process alive on its own: the calls it guards do.
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const t = this.now();
    let next = Number.POSITIVE_INFINITY;
    const due: Watched[] = [];
    for (const w of this.watched) {
      if (w.deadline <= t) {
        this.watched.delete(w);
        due.push(w);
      } else if (w.deadline < next) next = w.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    for (const w of due) w.expire();
  };
}
