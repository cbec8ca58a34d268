import type { DriverPermissions, IsolationTier } from '../descriptor/driver-descriptor.js';

/** Log levels, pino's names; `silent` turns logging off. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** The log levels accepted in configuration, most verbose first. */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze([
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
]);

/** The isolation tiers accepted in configuration. */
export const ISOLATION_TIERS: readonly IsolationTier[] = Object.freeze([
  'in-process',
  'worker',
  'process',
]);

/**
 * The kernel's configuration: data an operator writes (YAML or JSON), never DI wiring. Every
 * field is optional in the file; {@link parseKernelConfig} fills the defaults of
 * {@link DEFAULT_KERNEL_CONFIG}, so code always sees the complete shape.
 */
export interface KernelConfig {
  /** Extra (or overriding) start ranks by category, on top of network 0, storage 1, hypervisor 2. */
  readonly categories: Readonly<Record<string, number>>;
  readonly lifecycle: {
    /** How long one driver's start step may take before it is `Failed`. */
    readonly startTimeoutMs: number;
    /** How long one driver's stop step may take before it is `Failed`. */
    readonly stopTimeoutMs: number;
  };
  readonly isolation: {
    /** Tier for drivers without an override. */
    readonly default: IsolationTier;
    /** Tier per driver id, e.g. `{ "com.example.solidfire": "process" }`. */
    readonly overrides: Readonly<Record<string, IsolationTier>>;
  };
  readonly executor: {
    /** Calls in flight per isolated driver. */
    readonly concurrency: number;
    /** Calls waiting per isolated driver before new calls are refused. */
    readonly queueLimit: number;
    /**
     * How long one facade call into a driver may run when its caller set no `timeoutMs`; the
     * resource compartment owns this deadline (the executor has no timer of its own).
     */
    readonly callTimeoutMs: number;
  };
  readonly log: { readonly level: LogLevel };
  /** When the runtime stops restarting a driver whose environment keeps faulting. */
  readonly restartLimits: RestartLimitsConfig;
  /** What drivers may reach: trust, environment allow-list, permission grants, limits. */
  readonly confinement: ConfinementConfig;
}

/** Limits of automatic restarts after a driver's environment faulted (crash, hang, OOM). */
export interface RestartLimitsConfig {
  /** Restarts tried in a row before giving up (the driver then stays `Failed`). */
  readonly maxAttempts: number;
  /** A restarted driver that stays healthy this long has its attempt counter reset. */
  readonly healthyAfterMs: number;
}

/**
 * The operator's side of the driver trust boundary. Drivers not listed in `trusted` run in the
 * confined `process` tier whatever their `driver.yaml` asks for.
 */
export interface ConfinementConfig {
  /**
   * Trusted drivers: an exact driver id, a vendor id prefix ending in `.` (`com.example.`), or
   * `*` for every driver. Only trusted drivers may run in the `worker` or `in-process` tier.
   */
  readonly trusted: readonly string[];
  /** Host environment variables every driver gets (names; `CHASSIS_*` can never be listed). */
  readonly env: readonly string[];
  /** V8 old-generation heap cap per driver (MiB), worker and process tiers. */
  readonly heapMb: number;
  /** Largest call argument list / result / log record crossing a tier boundary (bytes). */
  readonly maxMessageBytes: number;
  /** Driver stdout/stderr lines forwarded to the host logger: a token bucket per driver. */
  readonly output: { readonly linesPerSecond: number; readonly burst: number };
  /** Per driver id: more variables, granted permissions, other limits. */
  readonly drivers: Readonly<Record<string, DriverConfinementConfig>>;
}

/** One driver's entry under `confinement.drivers`. */
export interface DriverConfinementConfig {
  /** Variables this driver gets on top of `confinement.env`. */
  readonly env?: readonly string[];
  /** What the operator grants of what the driver's `permissions:` block asks for. */
  readonly grants?: DriverPermissions;
  readonly heapMb?: number;
  readonly maxMessageBytes?: number;
}

/** The configuration used when a field (or the whole file) is absent. */
export const DEFAULT_KERNEL_CONFIG: KernelConfig = deepFreeze({
  categories: {},
  lifecycle: { startTimeoutMs: 30_000, stopTimeoutMs: 10_000 },
  isolation: { default: 'worker', overrides: {} },
  // 64: a driver's calls are already one at a time per resource (its compartments), and they
  // mostly wait on a device; a lower cap only queued them in front of an idle event loop.
  executor: { concurrency: 64, queueLimit: 1000, callTimeoutMs: 30_000 },
  log: { level: 'info' },
  restartLimits: { maxAttempts: 5, healthyAfterMs: 60_000 },
  confinement: {
    trusted: [],
    env: [],
    heapMb: 256,
    maxMessageBytes: 16 * 1024 * 1024,
    output: { linesPerSecond: 50, burst: 200 },
    drivers: {},
  },
});

/** Freezes a plain-data tree in place and returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
