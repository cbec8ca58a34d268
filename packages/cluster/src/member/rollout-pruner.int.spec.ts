import type { StateStore } from '@chassis/kernel';
import { PostgresDatabase, PostgresStateStore } from '@chassis/state-postgres';
import { type PgTestCluster, pgSuite } from '@chassis/state-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestKey, rolloutKey } from '../rollout/keys.js';
import { plannedRollout } from '../rollout/testing.js';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import { RolloutPruner } from './rollout-pruner.js';
import { type RolloutRequestRecord, rolloutRequestKey } from './rollout-requests.js';
import { rolloutRequest } from './testing.js';

const suite = pgSuite();
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** A rollout record as the coordinator stores it, finished `finishedAgo` ms ago (or running). */
const record = (id: string, finishedAgo: number | undefined): ClusterRolloutRecord => ({
  ...plannedRollout({ id, driverId: 'com.example.fixture', from: '1.0.0', to: '1.1.0' }),
  state: finishedAgo === undefined ? 'running' : 'succeeded',
  startedAt: ago((finishedAgo ?? 0) + 60_000),
  updatedAt: ago(finishedAgo ?? 0),
  ...(finishedAgo === undefined ? {} : { finishedAt: ago(finishedAgo) }),
});

const request = (id: string, status: RolloutRequestRecord['status']): RolloutRequestRecord =>
  rolloutRequest(status, {
    id,
    driverId: 'com.example.fixture',
    to: '1.1.0',
    requestedAt: ago(10 * HOUR),
    expiresAt: ago(9 * HOUR),
  });

const step = (rolloutId: string) => requestKey({ rolloutId, kind: 'move', n: 0, member: 'b' });

/** Retention of finished rollouts on a real PostgreSQL store (the leader's clean-up). */
describe.skipIf(!suite.available)('RolloutPruner on PostgreSQL', () => {
  let pg: PgTestCluster;
  const dbs: PostgresDatabase[] = [];
  beforeAll(async () => {
    pg = await suite.start();
  });
  afterAll(async () => {
    for (const db of dbs) await db.close();
    await suite.stop();
  });

  it('keeps running and newest rollouts, removes the rest with their steps and requests, bounded per pass', async () => {
    const db = await PostgresDatabase.open({ connectionString: await pg.createDatabase() });
    dbs.push(db);
    const store = new PostgresStateStore(db);
    // r0 runs (never removed, however old); r1…r4 finished, r4 newest.
    const rollouts: [string, number | undefined][] = [
      ['r0', undefined],
      ['r1', 5 * HOUR],
      ['r2', 4 * HOUR],
      ['r3', 3 * HOUR],
      ['r4', 2 * HOUR],
    ];
    for (const [id, finished] of rollouts) {
      await store.put(rolloutKey(id), record(id, finished), 0);
      await store.put(step(id), { rolloutId: id, status: 'done' }, 0);
      await store.put(rolloutRequestKey(id), request(id, 'begun'), 0);
    }
    // A request no leader will run any more, and one still open.
    await store.put(rolloutRequestKey('q-cancelled'), request('q-cancelled', 'cancelled'), 0);
    await store.put(
      rolloutRequestKey('q-open'),
      { ...request('q-open', 'pending'), expiresAt: ago(-HOUR) },
      0,
    );
    // Step requests left by an interrupted pass (their record is gone).
    await store.put(step('orphan'), { rolloutId: 'orphan', status: 'done' }, 0);

    let leader = true;
    const pruner = new RolloutPruner({
      store,
      isLeader: () => leader,
      // No grace: the store dates requests with the database clock (now), so a grace would
      // keep every one of them; the rule for the grace itself is the pure function's spec.
      retention: { keepPerDriver: 2, requestGraceMs: 0, maxPerPass: 4 },
    });
    const keys = async () =>
      [
        ...(await store.list('rollouts/')).map((r) => r.key),
        ...(await store.list('rollout-requests/')).map((r) => r.key),
      ].sort();

    // Bounded: the orphan, r1 and r2 (with their steps and requests) in the first pass.
    const first = await pruner.prune();
    expect(first.rollouts).toEqual(['orphan', 'r1', 'r2']);
    expect(first.deleted).toEqual(
      expect.arrayContaining([
        step('orphan'),
        rolloutKey('r1'),
        step('r1'),
        rolloutRequestKey('r2'),
      ]),
    );
    // Not the leader: nothing is removed.
    leader = false;
    expect((await pruner.prune()).deleted).toEqual([]);
    leader = true;
    await pruner.prune();
    expect(await keys()).toEqual(
      [
        rolloutKey('r0'),
        step('r0'),
        rolloutKey('r3'),
        step('r3'),
        rolloutKey('r4'),
        step('r4'),
        rolloutRequestKey('r0'),
        rolloutRequestKey('q-open'),
      ].sort(),
    );
  });

  it('leaves a record that changed since it was read (compare-and-set delete)', async () => {
    const db = await PostgresDatabase.open({ connectionString: await pg.createDatabase() });
    dbs.push(db);
    const base = new PostgresStateStore(db);
    await base.put(rolloutKey('old'), record('old', 5 * HOUR), 0);
    await base.put(rolloutKey('new'), record('new', HOUR), 0);
    // Another writer (a leader adopting it) changes `old` between the pruner's read and delete.
    const store: StateStore = {
      get: (key) => base.get(key),
      put: (key, value, version) => base.put(key, value, version),
      list: (prefix) => base.list(prefix),
      delete: async (key, version) => {
        if (key === rolloutKey('old')) {
          const cur = await base.get<ClusterRolloutRecord>(key);
          await base.put(key, { ...cur!.value, epoch: 2 }, cur!.version);
        }
        return base.delete(key, version);
      },
    };
    const pruner = new RolloutPruner({
      store,
      isLeader: () => true,
      retention: { keepPerDriver: 1 },
    });
    expect((await pruner.prune()).deleted).toEqual([]);
    expect((await base.get<ClusterRolloutRecord>(rolloutKey('old')))?.value.epoch).toBe(2);
  });
});
