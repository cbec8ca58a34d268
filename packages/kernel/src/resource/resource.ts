import type { DriverCategory } from '../descriptor/driver-descriptor.js';

/** Which driver version a resource is served by. */
export interface ResourceBinding {
  readonly driverId: string;
  readonly version: string;
}

/**
 * A managed thing (a storage pool, a network, a host). Its `id` is stable for its whole life;
 * the driver *version* serving it can change (see {@link Compartment.rebind}).
 */
export interface Resource {
  readonly id: string;
  /** What it is, e.g. `primary-storage-pool`, `network`, `host`. */
  readonly kind: string;
  readonly category: DriverCategory;
  /** The driver (id) that owns it. */
  readonly driverId: string;
  readonly name?: string;
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/** Lifecycle of a compartment. */
export type CompartmentState = 'active' | 'suspended' | 'closed';

/** Options for one submitted operation. */
export interface SubmitOptions {
  /**
   * How long the operation may wait in a *suspended* compartment, counted afresh each time the
   * compartment is suspended while the operation is queued. On expiry the operation is removed
   * from the queue (it never runs) and rejects with `CHASSIS_E_RESOURCE_SUSPEND_TIMEOUT`.
   * Waiting behind other work in an active compartment does not count.
   */
  readonly suspendTimeoutMs?: number;
  /**
   * Caller cancellation. Before the operation starts, an abort removes it from the queue and
   * rejects it with `CHASSIS_E_RESOURCE_OP_ABORTED`; once it runs, the operation receives this
   * signal and decides itself how to stop.
   */
  readonly signal?: AbortSignal;
  /**
   * How long the operation may *run*. On expiry the caller is rejected with
   * `CHASSIS_E_RESOURCE_OP_TIMEOUT` and the operation's signal aborts; the compartment still
   * waits for the operation to settle before starting the next one (serial order is kept).
   */
  readonly timeoutMs?: number;
}

/** Options for {@link Compartment} creation. */
export interface CompartmentOptions {
  /** Shown in error messages and logs; defaults to the resource id. */
  readonly name?: string;
  /**
   * Run deadline of operations submitted without their own `timeoutMs` (none by default). The
   * compartment is the one owner of a call's deadline: it arms it and hands it down.
   */
  readonly timeoutMs?: number;
}

/**
 * One unit of work for a resource: runs against whichever driver instance is bound when it
 * starts. With a run timeout, or without a caller signal, `signal` is the compartment's own and
 * shared by its operations, one at a time (without a timeout it never aborts; with one it is
 * reused until a run times out or its caller aborts, then that run keeps the aborted signal; a
 * caller signal aborts it only while the run it was given to runs). With a caller signal and no
 * timeout, it is the caller's signal itself. Remove any listener you add to it, and do not
 * watch it once the operation settled. `deadline` is
 * the absolute run deadline (epoch ms; `Infinity` without one) at which `signal` aborts with
 * `CHASSIS_E_RESOURCE_OP_TIMEOUT`: hand both down, never arm another timer.
 */
export type Operation<R, D> = (driver: D, signal: AbortSignal, deadline: number) => Promise<R> | R;

/**
 * A resource's serial work queue. Guarantees: operations run one at a time in submission order;
 * none is lost, duplicated or reordered across suspend → drain → rebind → resume; an operation's
 * error rejects only that operation.
 */
export interface Compartment<D = unknown> {
  readonly resource: Resource;
  /** Display name (defaults to the resource id). */
  readonly name: string;
  readonly state: CompartmentState;
  /** The instance operations currently run against. */
  readonly driver: D;
  /** Queued (not started) operations. */
  readonly queued: number;
  /** True while an operation runs. */
  readonly busy: boolean;
  submit<R>(op: Operation<R, D>, options?: SubmitOptions): Promise<R>;
  /** New work queues up; in-flight work finishes. Idempotent; a no-op once closed. */
  suspend(): void;
  /** Resolves when no operation is in flight (queued ones stay queued while suspended). */
  drain(): Promise<void>;
  /**
   * Binds a new instance; only while suspended (`CHASSIS_E_RESOURCE_NOT_SUSPENDED`, or
   * `CHASSIS_E_RESOURCE_CLOSED` once closed). An operation still in flight keeps the instance it
   * started with; call {@link Compartment.drain} first to retire the old instance cleanly.
   */
  rebind(next: D): void;
  /** Queued work runs again, in order, on the bound instance. Idempotent; a no-op once closed. */
  resume(): void;
  /**
   * Refuses new work at once (`CHASSIS_E_RESOURCE_CLOSED`), lets in-flight work finish, then
   * rejects queued work with `CHASSIS_E_RESOURCE_CLOSED`. Idempotent (same promise).
   */
  close(): Promise<void>;
}
