import { describe, expect, it } from 'vitest';
import {
  planPruning,
  type RetainedRequest,
  type RetainedRollout,
  type RolloutRetention,
} from './retention.js';

const NOW = new Date('2026-06-30T12:00:00.000Z');
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

/** A finished (or running) rollout of `driver` that finished `finishedAgo` ms before now. */
const rollout = (
  id: string,
  finishedAgo: number | undefined,
  state: RetainedRollout['state'] = 'succeeded',
  driverId = 'd1',
): RetainedRollout => ({
  id,
  driverId,
  state,
  startedAt: ago((finishedAgo ?? 0) + 1000),
  ...(finishedAgo === undefined ? {} : { finishedAt: ago(finishedAgo) }),
});

const request = (
  id: string,
  status: RetainedRequest['status'],
  updatedAgo: number,
  expiresAgo = -HOUR,
): RetainedRequest => ({ id, status, updatedAt: ago(updatedAgo), expiresAt: ago(expiresAgo) });

const small: RolloutRetention = { keepPerDriver: 2, maxAgeMs: 48 * HOUR, requestGraceMs: HOUR };

describe('planPruning', () => {
  const cases: {
    name: string;
    rollouts?: RetainedRollout[];
    requests?: RetainedRequest[];
    orphans?: string[];
    retention?: RolloutRetention;
    expected: { rollouts: string[]; requests: string[] };
  }[] = [
    { name: 'nothing stored', expected: { rollouts: [], requests: [] } },
    {
      name: 'keeps the newest N finished per driver, oldest removed first',
      rollouts: [
        rollout('r1', 5 * HOUR),
        rollout('r2', 4 * HOUR, 'failed'),
        rollout('r3', 3 * HOUR, 'rolled-back'),
        rollout('r4', 2 * HOUR),
      ],
      retention: small,
      expected: { rollouts: ['r1', 'r2'], requests: [] },
    },
    {
      name: 'counts each driver on its own',
      rollouts: [
        rollout('a1', 5 * HOUR, 'succeeded', 'a'),
        rollout('a2', 4 * HOUR, 'succeeded', 'a'),
        rollout('b1', 3 * HOUR, 'succeeded', 'b'),
        rollout('a3', 2 * HOUR, 'succeeded', 'a'),
      ],
      retention: small,
      expected: { rollouts: ['a1'], requests: [] },
    },
    {
      name: 'never removes a running rollout, nor counts it',
      rollouts: [
        rollout('old-running', undefined, 'running'),
        rollout('r1', 3 * HOUR),
        rollout('r2', 2 * HOUR),
      ],
      requests: [request('old-running', 'begun', 100 * HOUR)],
      retention: { ...small, maxAgeMs: HOUR },
      expected: { rollouts: ['r1', 'r2'], requests: [] },
    },
    {
      name: 'removes finished records past the maximum age even within the newest N',
      rollouts: [rollout('r1', 50 * HOUR), rollout('r2', 10 * HOUR)],
      retention: small,
      expected: { rollouts: ['r1'], requests: [] },
    },
    {
      name: 'a record without a readable finish time counts as old',
      rollouts: [{ id: 'x', driverId: 'd1', state: 'failed', startedAt: ago(HOUR) }],
      retention: small,
      expected: { rollouts: ['x'], requests: [] },
    },
    {
      name: 'a request goes with its rollout record',
      rollouts: [rollout('r1', 5 * HOUR), rollout('r2', 4 * HOUR), rollout('r3', 3 * HOUR)],
      requests: [request('r1', 'begun', 5 * HOUR)],
      retention: small,
      expected: { rollouts: ['r1'], requests: ['r1'] },
    },
    {
      name: 'a begun request stays for the grace after its rollout finished, then goes (record kept)',
      rollouts: [rollout('r1', 2 * HOUR), rollout('r2', HOUR / 2)],
      requests: [request('r1', 'begun', 3 * HOUR), request('r2', 'begun', HOUR)],
      retention: small,
      expected: { rollouts: [], requests: ['r1'] },
    },
    {
      name: 'a begun request whose record is gone goes at once',
      requests: [request('gone', 'begun', 60_000)],
      retention: small,
      expected: { rollouts: [], requests: ['gone'] },
    },
    {
      name: 'refused and cancelled requests stay for the grace after their last write',
      requests: [
        request('q1', 'refused', 2 * HOUR),
        request('q2', 'cancelled', 2 * HOUR),
        request('q3', 'refused', HOUR / 2),
      ],
      retention: small,
      expected: { rollouts: [], requests: ['q1', 'q2'] },
    },
    {
      name: 'open requests stay until expired for the grace',
      requests: [
        request('p1', 'pending', 10 * HOUR, -HOUR),
        request('p2', 'claimed', 10 * HOUR, HOUR / 2),
        request('p3', 'pending', 10 * HOUR, 2 * HOUR),
      ],
      retention: small,
      expected: { rollouts: [], requests: ['p3'] },
    },
    {
      name: 'step requests of a record already removed go first',
      rollouts: [rollout('r1', HOUR)],
      orphans: ['o1', 'r1'],
      retention: small,
      expected: { rollouts: ['o1'], requests: [] },
    },
    {
      name: 'bounded per pass; a request waits with its record',
      rollouts: [
        rollout('r1', 5 * HOUR),
        rollout('r2', 4 * HOUR),
        rollout('r3', 3 * HOUR),
        rollout('r4', 2 * HOUR),
        rollout('r5', HOUR),
      ],
      requests: [request('r1', 'begun', 5 * HOUR), request('r3', 'begun', 3 * HOUR)],
      retention: { ...small, keepPerDriver: 1, maxPerPass: 3 },
      expected: { rollouts: ['r1', 'r2', 'r3'], requests: [] },
    },
    {
      name: 'defaults: 20 per driver, 30 days, one hour of grace',
      rollouts: Array.from({ length: 22 }, (_, i) =>
        rollout(`r${String(i).padStart(2, '0')}`, (30 - i) * HOUR),
      ),
      requests: [request('q', 'cancelled', 59 * 60_000)],
      expected: { rollouts: ['r00', 'r01'], requests: [] },
    },
  ];

  it.each(cases)('$name', (c) => {
    expect(
      planPruning({
        rollouts: c.rollouts ?? [],
        requests: c.requests ?? [],
        ...(c.orphans ? { orphans: c.orphans } : {}),
        now: NOW,
        ...(c.retention ? { retention: c.retention } : {}),
      }),
    ).toEqual(c.expected);
  });
});
