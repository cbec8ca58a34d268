import type { DriverMemoryView, RuntimeApi } from '@chassis/runtime';
import { Gauge, type Registry } from 'prom-client';

/** How long a scrape waits for the drivers' memory readings by default. */
export const DEFAULT_MEMORY_TIMEOUT_MS = 250;

/**
 * One reading of every driver's memory, bounded: the runtime is asked with `timeoutMs` (late
 * environments are left out) and, should the runtime itself not honour it, the reading gives up
 * a little later with whatever it has (nothing). A failure also gives nothing: a scrape must
 * answer even when drivers cannot.
 */
export function readMemoryBounded(
  runtime: RuntimeApi,
  timeoutMs: number,
): Promise<readonly DriverMemoryView[]> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<readonly DriverMemoryView[]>((resolve) => {
    timer = setTimeout(() => resolve([]), timeoutMs + 50);
  });
  const read = Promise.resolve()
    .then(() => runtime.driverMemory({ timeoutMs }))
    // A scrape never fails for want of memory samples; each handle's faults are reported apart.
    .catch(() => []);
  return Promise.race([read, giveUp]).finally(() => clearTimeout(timer));
}

/**
 * Registers `<p>driver_heap_used_bytes`, `<p>driver_heap_total_bytes`,
 * `<p>driver_external_bytes` and `<p>driver_rss_bytes` (process tier only), labelled by driver,
 * version and tier. They are filled at scrape time from one shared reading: the four collects
 * of one scrape run together and ask the drivers once.
 */
export function registerDriverMemory(
  registry: Registry,
  runtime: RuntimeApi,
  prefix: string,
  timeoutMs: number,
): void {
  let pending: Promise<readonly DriverMemoryView[]> | undefined;
  const reading = () => {
    if (!pending) {
      const p = readMemoryBounded(runtime, timeoutMs);
      pending = p;
      void p.finally(() => {
        if (pending === p) pending = undefined;
      });
    }
    return pending;
  };
  const gauge = (name: string, help: string, pick: (m: DriverMemoryView) => number | undefined) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames: ['driver', 'version', 'tier'] as const,
      registers: [registry],
      async collect() {
        const list = await reading();
        this.reset();
        for (const m of list) {
          const value = pick(m);
          if (value !== undefined)
            this.set({ driver: m.driverId, version: m.version, tier: m.tier }, value);
        }
      },
    });
  gauge(
    'driver_heap_used_bytes',
    'V8 heap in use by each isolated driver environment (worker or process tier).',
    (m) => m.heapUsedBytes,
  );
  gauge(
    'driver_heap_total_bytes',
    'V8 heap reserved by each isolated driver environment.',
    (m) => m.heapTotalBytes,
  );
  gauge(
    'driver_external_bytes',
    'Memory held outside the V8 heap (Buffers, ArrayBuffers) by each isolated driver environment.',
    (m) => m.externalBytes,
  );
  gauge(
    'driver_rss_bytes',
    'Resident set size of each process-tier driver (a worker shares the host process).',
    (m) => m.rssBytes,
  );
}
