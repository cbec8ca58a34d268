/**
 * The replay cache of the channel server: nonces of accepted requests, bounded in size.
 *
 * A nonce only needs remembering while its timestamp is inside the acceptance window (older
 * requests are refused as expired anyway), so entries are pruned once they leave it. When the
 * cache is full, the oldest entry is evicted and its timestamp becomes a low-water mark: any
 * request signed at or before it is refused as a possible replay. Memory stays bounded and no
 * evicted nonce can be replayed; the only cost is that, under a burst larger than `capacity`
 * within one window, a request delayed past the evicted ones is refused (the caller sees
 * `CHASSIS_E_CLUSTER_AUTH` and nothing ran).
 */
export class NonceCache {
  /** nonce → the timestamp it was signed with; insertion order is arrival order. */
  private readonly entries = new Map<string, number>();
  private floor = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`NonceCache capacity must be a positive integer, got ${capacity}`);
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  /** True when `nonce` was accepted before, or `timestamp` is at or below the low-water mark. */
  seen(nonce: string, timestamp: number): boolean {
    return timestamp <= this.floor || this.entries.has(nonce);
  }

  /** Records an accepted nonce; prunes what left the window and evicts beyond the capacity. */
  record(nonce: string, timestamp: number, now: number): void {
    const oldest = now - this.windowMs;
    for (const [n, ts] of this.entries) {
      if (ts >= oldest) break;
      this.entries.delete(n);
    }
    this.entries.set(nonce, timestamp);
    while (this.entries.size > this.capacity) {
      const first = this.entries.entries().next().value as [string, number];
      this.entries.delete(first[0]);
      if (first[1] > this.floor) this.floor = first[1];
    }
  }
}
