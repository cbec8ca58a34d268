import { BehaviorSubject, type Observable, Subject } from 'rxjs';
import { driverKey } from '../descriptor/driver-descriptor.js';
import { ChassisError, serializeError } from '../errors/chassis-error.js';
import type { DriverLifecycleState, LifecycleEvent, LifecycleSnapshot } from './events.js';
import { HistoryRing } from './history-ring.js';
import { canTransition, type DriverState, TRANSITIONS } from './states.js';

/** Options for {@link LifecycleManager}. */
export interface LifecycleManagerOptions {
  /** Time source for `at`/`since` (tests pass a fixed clock). Defaults to `new Date()`. */
  readonly now?: () => Date;
  /** Transitions kept per driver version by {@link LifecycleManager.history}. Default 200. */
  readonly historyLimit?: number;
}

interface Tracked {
  state: DriverLifecycleState;
  readonly history: HistoryRing<{ readonly seq: number; readonly event: LifecycleEvent }>;
  /** Sequence number of the last `Starting → Running` move (the actual start order). */
  started?: number;
}

/** Default number of transitions remembered per driver version. */
export const DEFAULT_LIFECYCLE_HISTORY = 200;

/**
 * The one lifecycle of every driver version (see `TRANSITIONS`). Tracks the current state per
 * `driverKey({ id, version })`, refuses illegal moves, and publishes every transition on
 * `lifecycle$` (RxJS), always in the order
 * the transitions happened, even when a listener triggers another transition.
 */
export class LifecycleManager {
  readonly #drivers = new Map<string, Tracked>();
  readonly #events$ = new Subject<LifecycleEvent>();
  readonly #current$: BehaviorSubject<LifecycleSnapshot>;
  readonly #now: () => Date;
  readonly #historyLimit: number;
  // Transitions made by listeners while another is being published wait here, so every
  // subscriber sees the same order.
  readonly #pending: LifecycleEvent[] = [];
  #publishing = false;
  #seq = 0;

  /** Every transition, as it happens (hot: no replay; use `current$`/`snapshot()` to catch up). */
  readonly lifecycle$: Observable<LifecycleEvent>;
  /** The current state of every driver version; replays the latest snapshot to new subscribers. */
  readonly current$: Observable<LifecycleSnapshot>;

  constructor(options: LifecycleManagerOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#historyLimit = options.historyLimit ?? DEFAULT_LIFECYCLE_HISTORY;
    new HistoryRing(this.#historyLimit); // validates the limit up front, not at first register
    this.#current$ = new BehaviorSubject<LifecycleSnapshot>(new Map());
    this.lifecycle$ = this.#events$.asObservable();
    this.current$ = this.#current$.asObservable();
  }

  /**
   * Starts tracking a driver version in `Discovered`. Registering an `Unloaded` version again
   * starts it over (a reinstall is a new instance); registering one that is still active is
   * refused with `CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION`.
   */
  register(id: string, version: string): DriverLifecycleState {
    const key = driverKey({ id, version });
    const existing = this.#drivers.get(key);
    if (existing && existing.state.state !== 'Unloaded') {
      throw illegal(id, version, existing.state.state, 'Discovered', 'register');
    }
    const state: DriverLifecycleState = Object.freeze({
      driver: id,
      version,
      state: 'Discovered',
      since: this.#now().toISOString(),
    });
    this.#drivers.set(key, { state, history: new HistoryRing(this.#historyLimit) });
    this.#publishSnapshot();
    return state;
  }

  /** True when the driver version is tracked. */
  has(id: string, version: string): boolean {
    return this.#drivers.has(driverKey({ id, version }));
  }

  /** The current state; `CHASSIS_E_LIFECYCLE_UNKNOWN_DRIVER` when not registered. */
  state(id: string, version: string): DriverState {
    return this.#get(id, version).state.state;
  }

  /** The current state record, or `undefined` when not registered. */
  get(id: string, version: string): DriverLifecycleState | undefined {
    return this.#drivers.get(driverKey({ id, version }))?.state;
  }

  /**
   * Moves a driver version to `to`. `cause` (any thrown value) is serialised into the event.
   * Throws `CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION` (details `{ driver, version, from, to }`)
   * when `TRANSITIONS` does not allow the move, `CHASSIS_E_LIFECYCLE_UNKNOWN_DRIVER` when the
   * version is not registered.
   */
  transition(id: string, version: string, to: DriverState, cause?: unknown): LifecycleEvent {
    const tracked = this.#get(id, version);
    const from = tracked.state.state;
    if (!canTransition(from, to)) {
      throw illegal(id, version, from, to);
    }
    const at = this.#now().toISOString();
    const serialized = cause === undefined ? undefined : serializeError(cause);
    const event: LifecycleEvent = Object.freeze({
      driver: id,
      version,
      from,
      to,
      at,
      ...(serialized ? { cause: serialized } : {}),
    });
    tracked.state = Object.freeze({
      driver: id,
      version,
      state: to,
      since: at,
      ...(serialized ? { cause: serialized } : {}),
    });
    if (from === 'Starting' && to === 'Running') tracked.started = this.#seq;
    tracked.history.push({ seq: this.#seq++, event });
    this.#publishSnapshot();
    this.#publish(event);
    return event;
  }

  /**
   * Where the version's last start (`Starting → Running`) falls in the order the starts actually
   * completed: larger is later. `undefined` when it never started. A resume
   * (`Suspended → Running`) is not a start. Used to stop in the exact reverse of the start order.
   */
  startOrder(id: string, version: string): number | undefined {
    return this.#drivers.get(driverKey({ id, version }))?.started;
  }

  /** A copy of the current state of every driver version, keyed by `id@version`. */
  snapshot(): LifecycleSnapshot {
    return this.#current$.getValue();
  }

  /**
   * The most recent transitions (oldest first) of one driver version, or of every tracked
   * version of `id` when `version` is omitted. Unknown drivers have an empty history.
   */
  history(id: string, version?: string): readonly LifecycleEvent[] {
    if (version !== undefined) {
      return (
        this.#drivers
          .get(driverKey({ id, version }))
          ?.history.toArray()
          .map((h) => h.event) ?? []
      );
    }
    const merged: { readonly seq: number; readonly event: LifecycleEvent }[] = [];
    for (const tracked of this.#drivers.values()) {
      if (tracked.state.driver === id) merged.push(...tracked.history.toArray());
    }
    return merged.sort((a, b) => a.seq - b.seq).map((h) => h.event);
  }

  /**
   * Stops tracking an `Unloaded` driver version (its history goes too). Forgetting a version in
   * any other state is refused with `CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION`: it would hide a
   * driver that still holds resources.
   */
  forget(id: string, version: string): void {
    const tracked = this.#get(id, version);
    if (tracked.state.state !== 'Unloaded') {
      throw illegal(id, version, tracked.state.state, 'Unloaded', 'forget');
    }
    this.#drivers.delete(driverKey({ id, version }));
    this.#publishSnapshot();
  }

  /** Completes `lifecycle$` and `current$`. */
  close(): void {
    this.#events$.complete();
    this.#current$.complete();
  }

  #get(id: string, version: string): Tracked {
    const tracked = this.#drivers.get(driverKey({ id, version }));
    if (!tracked) {
      throw new ChassisError(
        'CHASSIS_E_LIFECYCLE_UNKNOWN_DRIVER',
        `Driver ${driverKey({ id, version })} is not registered with the lifecycle; register it (Discovered) before moving it.`,
        { details: { driver: id, version } },
      );
    }
    return tracked;
  }

  #publishSnapshot(): void {
    const snapshot = new Map<string, DriverLifecycleState>();
    for (const [key, tracked] of this.#drivers) snapshot.set(key, tracked.state);
    this.#current$.next(snapshot);
  }

  #publish(event: LifecycleEvent): void {
    this.#pending.push(event);
    if (this.#publishing) return;
    this.#publishing = true;
    try {
      for (let next = this.#pending.shift(); next; next = this.#pending.shift()) {
        // A subscriber's throw never reaches here: RxJS reports it on a later tick, so a
        // listener's bug cannot undo or hide a transition that already happened.
        this.#events$.next(next);
      }
    } finally {
      this.#publishing = false;
    }
  }
}

function illegal(
  id: string,
  version: string,
  from: DriverState,
  to: DriverState,
  action?: 'register' | 'forget',
): ChassisError {
  const what = action ? `${action} (→ ${to})` : `${from} → ${to}`;
  const allowed = TRANSITIONS[from]?.join(', ') || 'none';
  return new ChassisError(
    'CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION',
    `Driver ${driverKey({ id, version })} is ${from}; ${what} is not a legal lifecycle move (allowed from ${from}: ${allowed}).`,
    { details: { driver: id, version, from, to, ...(action ? { action } : {}) } },
  );
}
