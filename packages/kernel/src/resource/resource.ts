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
  /** How long the operation may wait while the compartment is suspended (`CHASSIS_E_RESOURCE_SUSPEND_TIMEOUT`). */
  readonly suspendTimeoutMs?: number;
  /** Caller cancellation; an operation not yet started is removed from the queue. */
  readonly signal?: AbortSignal;
}

/** One unit of work for a resource: runs against whichever driver instance is bound when it starts. */
export type Operation<R, D> = (driver: D, signal: AbortSignal) => Promise<R> | R;

/**
 * A resource's serial work queue. Guarantees: operations run one at a time in submission order;
 * none is lost, duplicated or reordered across suspend → drain → rebind → resume; an operation's
 * error rejects only that operation.
 */
export interface Compartment<D = unknown> {
  readonly resource: Resource;
  readonly state: CompartmentState;
  /** The instance operations currently run against. */
  readonly driver: D;
  /** Queued (not started) operations. */
  readonly queued: number;
  /** True while an operation runs. */
  readonly busy: boolean;
  submit<R>(op: Operation<R, D>, options?: SubmitOptions): Promise<R>;
  /** New work queues up; in-flight work finishes. Idempotent. */
  suspend(): void;
  /** Resolves when no operation is in flight (queued ones stay queued while suspended). */
  drain(): Promise<void>;
  /** Binds a new instance; only while suspended (`CHASSIS_E_RESOURCE_NOT_SUSPENDED`). */
  rebind(next: D): void;
  /** Queued work runs again, in order, on the bound instance. */
  resume(): void;
  /** Rejects queued work with `CHASSIS_E_RESOURCE_CLOSED` after in-flight work finishes. */
  close(): Promise<void>;
}
