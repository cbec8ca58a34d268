import type { DriverMemoryView, RuntimeApi, UpgradeRecord } from '@chassis/runtime';
import { Counter, collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';
import type { MetricsSnapshot } from '../hooks/instrumentation.js';
import {
  DEFAULT_MEMORY_TIMEOUT_MS,
  readMemoryBounded,
  registerDriverMemory,
} from './driver-memory.js';

/** Options of the Prometheus endpoint. */
export interface MetricsOptions {
  /** Also export prom-client's process metrics (memory, CPU, event loop). Default false. */
  readonly processMetrics?: boolean;
  /** Metric name prefix (default `chassis_`). */
  readonly prefix?: string;
  /**
   * How long a scrape waits for the drivers' own memory readings (default 250 ms); a driver
   * that answers later is left out of that scrape rather than holding `/metrics` up.
   */
  readonly memoryTimeoutMs?: number;
}

/** The admin server's Prometheus registry and what feeds it. */
export interface AdminMetrics {
  /** Its own registry: never prom-client's global one, so several servers can coexist. */
  readonly registry: Registry;
  /** Counts a finished upgrade record (called for every record on `upgrades$`). */
  observeUpgrade(record: UpgradeRecord): void;
  /** One reading of the runtime, as passed to instrumentation hooks. */
  snapshot(): MetricsSnapshot;
  /** The drivers' memory as the gauges see it: bounded by `memoryTimeoutMs`, never rejects. */
  driverMemory(): Promise<readonly DriverMemoryView[]>;
}

/**
 * Builds the registry: per-driver state, executor calls/errors/latency/queue depth (read from
 * `executorMetrics()` at scrape time, so numbers are never stale), bound resources, the memory
 * of each isolated driver environment (`driverMemory()`, bounded by `memoryTimeoutMs`), and
 * upgrades by action and result.
 */
export function createAdminMetrics(
  runtime: RuntimeApi,
  options: MetricsOptions = {},
): AdminMetrics {
  const p = options.prefix ?? 'chassis_';
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: p });

  new Gauge({
    name: `${p}driver_state`,
    help: 'Lifecycle state of each installed driver version (1 for its current state).',
    labelNames: ['driver', 'version', 'state', 'active'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const d of runtime.listDrivers()) {
        for (const v of d.versions) {
          this.set(
            { driver: d.id, version: v.version, state: v.state, active: String(v.active) },
            1,
          );
        }
      }
    },
  });
  new Gauge({
    name: `${p}driver_resources`,
    help: 'Resources bound to each driver version.',
    labelNames: ['driver', 'version'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const d of runtime.listDrivers()) {
        for (const v of d.versions)
          this.set({ driver: d.id, version: v.version }, v.resources.length);
      }
    },
  });
  const perExecutor = (
    name: string,
    help: string,
    pick: (m: ReturnType<RuntimeApi['executorMetrics']>[number]) => number,
    Kind: typeof Counter | typeof Gauge,
  ): void => {
    const metric: Counter<'driver' | 'version'> | Gauge<'driver' | 'version'> = new Kind({
      name,
      help,
      labelNames: ['driver', 'version'] as const,
      registers: [registry],
      collect() {
        metric.reset();
        for (const m of runtime.executorMetrics()) {
          const labels = { driver: m.driverId, version: m.version };
          if (metric instanceof Counter) metric.inc(labels, pick(m));
          else metric.set(labels, pick(m));
        }
      },
    });
  };
  perExecutor(`${p}executor_calls_total`, 'Driver operations executed.', (m) => m.calls, Counter);
  perExecutor(
    `${p}executor_errors_total`,
    'Driver operations that failed.',
    (m) => m.errors,
    Counter,
  );
  perExecutor(`${p}executor_in_flight`, 'Driver operations running now.', (m) => m.inFlight, Gauge);
  perExecutor(
    `${p}executor_queue_depth`,
    'Driver operations waiting in queues.',
    (m) => m.queued,
    Gauge,
  );
  registry.registerMetric(latencyHistogram(`${p}executor_latency_ms`, runtime));
  const memoryTimeoutMs = options.memoryTimeoutMs ?? DEFAULT_MEMORY_TIMEOUT_MS;
  registerDriverMemory(registry, runtime, p, memoryTimeoutMs);

  const upgrades = new Counter({
    name: `${p}upgrades_total`,
    help: 'Finished installs, upgrades, rollbacks and uninstalls by result.',
    labelNames: ['action', 'result'] as const,
    registers: [registry],
  });

  return {
    registry,
    observeUpgrade(record) {
      if (record.result !== 'running')
        upgrades.inc({ action: record.action, result: record.result });
    },
    snapshot() {
      return {
        at: new Date().toISOString(),
        drivers: runtime.listDrivers().flatMap((d) =>
          d.versions.map((v) => ({
            id: d.id,
            version: v.version,
            state: v.state,
            active: v.active,
            resources: v.resources.length,
          })),
        ),
        executors: runtime.executorMetrics(),
      };
    },
    driverMemory: () => readMemoryBounded(runtime, memoryTimeoutMs),
  };
}

/**
 * The executors already keep cumulative latency buckets, so this exposes them as a Prometheus
 * histogram directly instead of re-observing every call (prom-client's Histogram cannot be set).
 */
function latencyHistogram(name: string, runtime: RuntimeApi): Metric {
  const help = 'Latency of driver operations in milliseconds.';
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    reset() {},
    async get() {
      const values: {
        metricName: string;
        labels: Record<string, string | number>;
        value: number;
      }[] = [];
      for (const m of runtime.executorMetrics()) {
        const labels = { driver: m.driverId, version: m.version };
        let count = 0;
        for (const b of m.latencyBuckets) {
          values.push({
            metricName: `${name}_bucket`,
            labels: { ...labels, le: b.le },
            value: b.count,
          });
          count = Math.max(count, b.count);
        }
        const total = Math.max(count, m.calls);
        values.push({
          metricName: `${name}_bucket`,
          labels: { ...labels, le: '+Inf' },
          value: total,
        });
        values.push({ metricName: `${name}_sum`, labels, value: m.latencySumMs });
        values.push({ metricName: `${name}_count`, labels, value: total });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
  return metric as unknown as Metric;
}
