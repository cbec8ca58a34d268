import type { DriverContainer } from '../container/driver-container.js';
import type { Dto } from '../dto.js';
import type { Logger } from '../logger.js';
import type { Translate } from '../messages/messages.js';
import type { Resource } from '../resource/resource.js';

/** A property bag after validation: frozen, typed values (dates are `Date`). */
export type PropertyBag = Readonly<Record<string, string | number | boolean | Date | undefined>>;

/** What a driver's `start`/`stop`/`health` hooks receive. */
export interface DriverContext {
  readonly driver: { readonly id: string; readonly version: string };
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly t: Translate;
}

/**
 * What every driver operation receives as its first argument: the frozen, validated property
 * bag of the resource's configuration, the resource, a logger scoped to driver and resource,
 * an AbortSignal (timeouts, cancellation) and `t` for labels.
 */
export interface OperationContext<P extends PropertyBag = PropertyBag> extends DriverContext {
  readonly properties: P;
  readonly resource: Dto<Resource>;
}

/** Result of a health check. */
export interface HealthStatus {
  readonly healthy: boolean;
  readonly detail?: string;
}

/**
 * What a CAR's entry module default-exports. Drivers import only *types* from Chassis and
 * default-export a plain object (`export default { ... } satisfies DriverDefinition`), so the
 * same code runs in every isolation tier with no runtime dependency on Chassis.
 */
export interface DriverDefinition {
  /** Called once when the driver moves to Running. */
  start?(ctx: DriverContext): Promise<void> | void;
  /** Called once when the driver stops; release connections and timers here. */
  stop?(ctx: DriverContext): Promise<void> | void;
  /** Optional health probe used by canary rollouts. */
  health?(ctx: DriverContext): Promise<HealthStatus> | HealthStatus;
  /**
   * Optional: convert per-resource state kept by an older version into this version's form
   * during an upgrade.
   */
  migrate?(fromVersion: string, state: unknown, ctx: DriverContext): Promise<unknown> | unknown;
  /**
   * Implementations keyed by extension point id. Each method takes an
   * {@link OperationContext} first, then the operation's arguments (plain data).
   */
  readonly provides: Readonly<Record<string, object>>;
}

/** The serialisable part of an operation's context; the receiving side adds logger, signal and `t`. */
export interface InvocationContext {
  readonly properties: Readonly<Record<string, unknown>>;
  readonly resource: Dto<Resource>;
  readonly locale?: string;
}

/** Options of one call through a {@link DriverHandle}. */
export interface InvokeOptions {
  /**
   * The call's one cancellation signal, owned by whoever set its deadline (a compartment, the
   * lifecycle runner, an upgrade's health check: see `armDeadline`). Whatever its reason, an
   * abort of a running call makes the handle probe the driver's liveness.
   */
  readonly signal?: AbortSignal;
  /** The absolute deadline behind `signal` (epoch ms), when there is one; informative only. */
  readonly deadline?: number;
}

/**
 * The host's view of one loaded driver version, whatever its isolation tier: the seam between
 * the loader (which makes handles) and facades/upgrades (which use them). The caller cannot
 * tell which tier it talks to.
 */
export interface DriverHandle {
  readonly id: string;
  readonly version: string;
  readonly tier: 'in-process' | 'worker' | 'process';
  /**
   * The version's per-CAR child container, where its extension-point implementations are bound
   * (see `bindImplementations`); the router resolves through it. Absent on test doubles.
   */
  readonly container?: DriverContainer;
  start(options?: InvokeOptions): Promise<void>;
  stop(options?: InvokeOptions): Promise<void>;
  health(options?: InvokeOptions): Promise<HealthStatus>;
  migrate(fromVersion: string, state: unknown, options?: InvokeOptions): Promise<unknown>;
  /** Calls `provides[point][method](ctx, ...args)` in the driver's environment. */
  invoke(
    point: string,
    method: string,
    ctx: InvocationContext,
    args: readonly unknown[],
    options?: InvokeOptions,
  ): Promise<unknown>;
  /** Ends the environment (worker/process) and releases what it holds. Idempotent. */
  dispose(): Promise<void>;
}
