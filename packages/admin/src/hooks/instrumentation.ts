import type { DriverState, LifecycleEvent } from '@chassis/kernel';
import type { ExecutorMetricsView, UpgradeRecord } from '@chassis/runtime';

/** What {@link InstrumentationHook.onMetrics} receives: one consistent reading of the runtime. */
export interface MetricsSnapshot {
  readonly at: string;
  readonly drivers: readonly {
    readonly id: string;
    readonly version: string;
    readonly state: DriverState;
    readonly active: boolean;
    readonly resources: number;
  }[];
  readonly executors: readonly ExecutorMetricsView[];
}

/**
 * Subscribes other instrumentation (OpenTelemetry, StatsD, a JMX bridge...) to the same events
 * the admin server sees, without changes to the kernel. Every method is optional; a throwing
 * hook is logged and never breaks the server or the other hooks.
 */
export interface InstrumentationHook {
  /** Every lifecycle transition of every driver version. */
  onLifecycle?(event: LifecycleEvent): void;
  /** Every change of an upgrade record (started, then finished). */
  onUpgrade?(record: UpgradeRecord): void;
  /** A metrics reading: at each `/metrics` scrape and every `metricsIntervalMs`. */
  onMetrics?(snapshot: MetricsSnapshot): void;
}

/** Calls `method` on every hook, reporting (not throwing) hook failures. */
export function dispatch<K extends keyof InstrumentationHook>(
  hooks: readonly InstrumentationHook[],
  method: K,
  arg: Parameters<NonNullable<InstrumentationHook[K]>>[0],
  onError: (err: unknown, method: K) => void,
): void {
  for (const hook of hooks) {
    const fn = hook[method] as ((a: typeof arg) => void) | undefined;
    if (!fn) continue;
    try {
      fn.call(hook, arg);
    } catch (err) {
      onError(err, method);
    }
  }
}
