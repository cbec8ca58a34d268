import { describe, expect, it } from 'vitest';
import { MetricsHistory, pointBetween, quantile, totalsByDriver } from './history.js';

const buckets = (pairs: [number, number][]) => new Map(pairs);

describe('quantile of a cumulative histogram', () => {
  it.each([
    { name: 'empty', b: [], q: 0.5, want: undefined },
    {
      name: 'all zero',
      b: [
        [10, 0],
        [100, 0],
      ],
      q: 0.5,
      want: undefined,
    },
    {
      name: 'median in first bucket',
      b: [
        [10, 6],
        [100, 10],
      ],
      q: 0.5,
      want: 10,
    },
    {
      name: 'p95 in second bucket',
      b: [
        [10, 6],
        [100, 10],
      ],
      q: 0.95,
      want: 100,
    },
    {
      name: 'unsorted input',
      b: [
        [100, 10],
        [10, 6],
      ],
      q: 0.5,
      want: 10,
    },
  ] as { name: string; b: [number, number][]; q: number; want: number | undefined }[])(
    '$name',
    ({ b, q, want }) => expect(quantile(buckets(b), q)).toBe(want),
  );
});

describe('pointBetween', () => {
  const t = (calls: number, errors: number, b: [number, number][]) => ({
    calls,
    errors,
    buckets: buckets(b),
  });
  it.each([
    {
      name: 'rates and interval percentiles from deltas',
      before: t(10, 1, [
        [10, 10],
        [100, 10],
      ]),
      now: t(30, 3, [
        [10, 12],
        [100, 30],
      ]),
      dt: 2000,
      want: { callRate: 10, errorRate: 1, p50Ms: 100, p99Ms: 100 },
    },
    {
      name: 'first sample counts from zero',
      before: undefined,
      now: t(5, 0, [[10, 5]]),
      dt: 1000,
      want: { callRate: 5, errorRate: 0, p50Ms: 10 },
    },
    {
      name: 'a counter reset (reinstall) restarts from zero, never negative',
      before: t(100, 10, [[10, 100]]),
      now: t(4, 0, [[10, 4]]),
      dt: 1000,
      want: { callRate: 4, errorRate: 0, p50Ms: 10 },
    },
    {
      name: 'no calls: no percentiles',
      before: t(4, 0, [[10, 4]]),
      now: t(4, 0, [[10, 4]]),
      dt: 1000,
      want: { callRate: 0, errorRate: 0 },
    },
  ])('$name', ({ before, now, dt, want }) => {
    const p = pointBetween('d', before, now, dt);
    expect(p).toMatchObject(want);
    if (!('p50Ms' in want)) expect(p.p50Ms).toBeUndefined();
  });
});

describe('MetricsHistory', () => {
  it('sums versions per driver, adds heap, and keeps only the last `capacity` samples', async () => {
    let calls = 0;
    const history = new MetricsHistory(
      {
        executorMetrics: () => [
          {
            driverId: 'a',
            version: '1',
            calls,
            errors: 0,
            inFlight: 0,
            queued: 0,
            latencyBuckets: [{ le: 5, count: calls }],
            latencySumMs: 0,
          },
          {
            driverId: 'a',
            version: '2',
            calls,
            errors: 0,
            inFlight: 0,
            queued: 0,
            latencyBuckets: [{ le: 5, count: calls }],
            latencySumMs: 0,
          },
        ],
        driverMemory: async () => [
          {
            driverId: 'a',
            version: '2',
            tier: 'worker',
            heapUsedBytes: 7,
            heapTotalBytes: 9,
            externalBytes: 0,
          },
        ],
      },
      { intervalMs: 0, capacity: 2 },
    );
    for (const n of [1, 2, 3]) {
      calls = n;
      await history.sample();
    }
    const samples = history.list();
    expect(samples).toHaveLength(2);
    expect(samples[1]?.drivers).toEqual([
      expect.objectContaining({ driverId: 'a', heapUsedBytes: 7, p50Ms: 5 }),
    ]);
    expect(totalsByDriver([]).size).toBe(0);
  });
});
