import type { DriverPoint, HistorySample } from '@chassis/kernel';
import type { DriverMemoryView, ExecutorMetricsView } from '@chassis/runtime';

// The history's shapes are the kernel's `MetricsHistorySchema` (the OpenAPI component too).
export type { DriverPoint, HistorySample } from '@chassis/kernel';

/** Cumulative counters of one driver (all versions), as read at one sample. */
export interface DriverTotals {
  readonly calls: number;
  readonly errors: number;
  /** Cumulative latency buckets: upper bound (ms) → count. */
  readonly buckets: ReadonlyMap<number, number>;
}

/** Sums the executors of each driver (a driver mid-upgrade runs two versions). */
export function totalsByDriver(
  executors: readonly ExecutorMetricsView[],
): Map<string, DriverTotals> {
  const out = new Map<string, { calls: number; errors: number; buckets: Map<number, number> }>();
  for (const e of executors) {
    const t = out.get(e.driverId) ?? { calls: 0, errors: 0, buckets: new Map() };
    t.calls += e.calls;
    t.errors += e.errors;
    for (const b of e.latencyBuckets) t.buckets.set(b.le, (t.buckets.get(b.le) ?? 0) + b.count);
    out.set(e.driverId, t);
  }
  return out;
}

/**
 * The `q` quantile (0..1) of a cumulative histogram, as the upper bound of the first bucket
 * holding it (the executors keep bounds, not raw values). Undefined when it counts nothing.
 */
export function quantile(buckets: ReadonlyMap<number, number>, q: number): number | undefined {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.length ? Math.max(...sorted.map(([, c]) => c)) : 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  for (const [le, count] of sorted) if (count >= rank) return le;
  return sorted[sorted.length - 1]?.[0];
}

/**
 * One driver's point from two readings of its totals `dtMs` apart. Counters that went down
 * (the driver was reinstalled) restart from zero instead of giving negative rates.
 */
export function pointBetween(
  driverId: string,
  before: DriverTotals | undefined,
  now: DriverTotals,
  dtMs: number,
  heapUsedBytes?: number,
): DriverPoint {
  const reset = before !== undefined && now.calls < before.calls;
  const base = reset ? undefined : before;
  const seconds = Math.max(dtMs, 1) / 1000;
  const delta = new Map<number, number>();
  for (const [le, count] of now.buckets)
    delta.set(le, Math.max(0, count - (base?.buckets.get(le) ?? 0)));
  const p = (q: number) => quantile(delta, q);
  const p50 = p(0.5);
  const p95 = p(0.95);
  const p99 = p(0.99);
  return {
    driverId,
    callRate: Math.max(0, now.calls - (base?.calls ?? 0)) / seconds,
    errorRate: Math.max(0, now.errors - (base?.errors ?? 0)) / seconds,
    ...(p50 === undefined ? {} : { p50Ms: p50 }),
    ...(p95 === undefined ? {} : { p95Ms: p95 }),
    ...(p99 === undefined ? {} : { p99Ms: p99 }),
    ...(heapUsedBytes === undefined ? {} : { heapUsedBytes }),
  };
}

/** What the history reads at each sample. */
export interface HistorySource {
  executorMetrics(): readonly ExecutorMetricsView[];
  driverMemory(): Promise<readonly DriverMemoryView[]>;
}

/** Options of {@link MetricsHistory}. */
export interface MetricsHistoryOptions {
  /** Sampling interval (default 5 s; 0 disables the history). */
  readonly intervalMs?: number;
  /** Samples kept (default 120: ten minutes at 5 s). */
  readonly capacity?: number;
}

/**
 * A short in-memory history of per-driver call rate, errors, latency percentiles and memory for
 * the UI's charts. Nothing is stored: a restart starts an empty history.
 */
export class MetricsHistory {
  readonly intervalMs: number;
  readonly #capacity: number;
  readonly #source: HistorySource;
  readonly #samples: HistorySample[] = [];
  #last: { at: number; totals: Map<string, DriverTotals> } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sampling = false;

  constructor(source: HistorySource, options: MetricsHistoryOptions = {}) {
    this.#source = source;
    this.intervalMs = options.intervalMs ?? 5000;
    this.#capacity = Math.max(1, options.capacity ?? 120);
  }

  /** Starts sampling (no-op when disabled or already started). */
  start(): void {
    if (this.intervalMs <= 0 || this.#timer) return;
    this.#last = { at: Date.now(), totals: totalsByDriver(this.#source.executorMetrics()) };
    this.#timer = setInterval(() => void this.sample(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Takes one sample now (one at a time: a slow memory read skips the next tick). */
  async sample(): Promise<void> {
    if (this.#sampling) return;
    this.#sampling = true;
    try {
      const now = Date.now();
      const totals = totalsByDriver(this.#source.executorMetrics());
      // The memory read is already bounded by metrics.memoryTimeoutMs and never rejects.
      const memory = await this.#source.driverMemory();
      const heap = new Map<string, number>();
      for (const m of memory) heap.set(m.driverId, (heap.get(m.driverId) ?? 0) + m.heapUsedBytes);
      const prev = this.#last;
      const drivers = [...totals].map(([id, t]) =>
        pointBetween(id, prev?.totals.get(id), t, now - (prev?.at ?? now), heap.get(id)),
      );
      this.#last = { at: now, totals };
      this.#samples.push({ at: new Date(now).toISOString(), drivers });
      if (this.#samples.length > this.#capacity) this.#samples.shift();
    } finally {
      this.#sampling = false;
    }
  }

  /** The kept samples, oldest first. */
  list(): readonly HistorySample[] {
    return [...this.#samples];
  }
}
