import { describe, expect, it } from 'vitest';
import { bucketIndex, Histogram } from './histogram.js';

describe('bucketIndex', () => {
  const bounds = [1, 10, 100];
  it.each([
    [0, 0],
    [1, 0],
    [1.0001, 1],
    [10, 1],
    [99, 2],
    [100, 2],
    [101, 3],
    [Number.POSITIVE_INFINITY, 3],
  ])('%s ms → bucket %s', (ms, idx) => {
    expect(bucketIndex(bounds, ms)).toBe(idx);
  });
});

describe('Histogram', () => {
  it('counts per bucket and keeps count and sum', () => {
    const h = new Histogram([1, 10]);
    for (const ms of [0.5, 2, 3, 50]) h.record(ms);
    expect(h.snapshot()).toEqual({ bounds: [1, 10], counts: [1, 2, 1], count: 4, sum: 55.5 });
  });
  it('snapshots are copies', () => {
    const h = new Histogram([1]);
    const s = h.snapshot();
    h.record(5);
    expect(s.counts).toEqual([0, 0]);
  });
});
