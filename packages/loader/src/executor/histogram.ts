/** Upper bounds (ms) of the latency buckets; the last bucket is everything above. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000, 30000,
];

/**
 * A latency histogram as plain data. `counts[i]` is the number of samples `≤ bounds[i]` and
 * `> bounds[i-1]`; `counts[bounds.length]` counts the samples above the last bound. Counts are
 * per bucket (not cumulative); a Prometheus exporter sums them up.
 */
export interface LatencyHistogram {
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
  /** Sum of all samples in ms. */
  readonly sum: number;
}

/** Index of the bucket a sample falls in (pure). */
export function bucketIndex(bounds: readonly number[], ms: number): number {
  for (let i = 0; i < bounds.length; i++) if (ms <= bounds[i]) return i;
  return bounds.length;
}

/** A mutable histogram with a plain-data snapshot. */
export class Histogram {
  private readonly counts: number[];
  private count = 0;
  private sum = 0;
  constructor(private readonly bounds: readonly number[] = LATENCY_BUCKETS_MS) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }
  record(ms: number): void {
    this.counts[bucketIndex(this.bounds, ms)]++;
    this.count++;
    this.sum += ms;
  }
  snapshot(): LatencyHistogram {
    return { bounds: this.bounds, counts: [...this.counts], count: this.count, sum: this.sum };
  }
}
