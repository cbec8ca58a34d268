import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UpgradeStatus } from '@chassis/runtime';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { PostgresStateStore } from '@chassis/state-postgres';
import { type PgTestCluster, pgSuite } from '@chassis/state-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolloutKey } from '../rollout/keys.js';
import type { ClusterMember } from './member.js';
import { rolloutRequestKey } from './rollout-requests.js';
import { codeOf, memberFactory, settled, waitFor } from './testing.js';

const suite = pgSuite();
const ID = 'com.example.fixture';
const admin = { id: 'alice', roles: ['admin'] };
const props = { mVip: '10.0.0.1', password: 'hunter2' };

const source = (version: string, healthy: boolean) => `
export default {
  provides: { 'storage.primary': { whoami: () => ${JSON.stringify(version)} } },
  health: () => (${healthy} ? { healthy: true } : { healthy: false, detail: 'injected: degraded' }),
};
`;

/**
 * Cluster upgrades accepted by id (the admin API's `Prefer: respond-async`): sent to a member
 * that does not lead, followed on a third one, pruned by the leader's retention afterwards.
 * The tests share one cluster and run in order.
 */
describe.skipIf(!suite.available)('accepted cluster upgrades followed by id', () => {
  let pg: PgTestCluster;
  let root: string;
  const ms: ClusterMember[] = [];
  let leader: ClusterMember;
  /** Does not lead: where the upgrades are sent. */
  let sender: ClusterMember;
  /** Neither the sender nor the leader: where they are followed. */
  let third: ClusterMember;
  let store: PostgresStateStore;
  const ids = ['p1', 'p2', 'p3'];

  /** Polls the status on `m` until it left accepted/running (bounded). */
  const follow = async (m: ClusterMember, id: string): Promise<UpgradeStatus> => {
    const seen: string[] = [];
    for (let i = 0; i < 1200; i++) {
      const s = await m.runtime.upgradeStatus(id);
      if (seen.at(-1) !== s.state) seen.push(s.state);
      if (s.state !== 'accepted' && s.state !== 'running') return s;
      await sleep(25);
    }
    throw new Error(`${id} did not end on ${m.id} (states ${seen.join(', ')})`);
  };
  const everywhere = (version: string) =>
    ms.every(
      (m) =>
        m.runtime.getDriver(ID).activeVersion === version &&
        m.runtime.listResources().every((r) => r.binding.version === version),
    );

  beforeAll(async () => {
    pg = await suite.start();
    root = await mkdtemp(join(tmpdir(), 'chassis-accepted-rollout-'));
    const cars: Record<string, string> = {};
    for (const [v, healthy] of [
      ['1.0.0', true],
      ['1.1.0', true],
      ['2.0.0', false],
    ] as const)
      cars[v] = await buildFixtureCar(join(root, 'cars'), {
        id: ID,
        version: v,
        source: source(v, healthy),
      });
    const url = await pg.createDatabase();
    const member = memberFactory(root, [ID]);
    for (const n of ['a', 'b', 'c'])
      ms.push(
        await member(
          n,
          url,
          { forward: 'forward' },
          {
            rollout: {
              stepTimeoutMs: 15_000,
              workerPollMs: 200,
              moverPollMs: 100,
              // One finished rollout kept per driver, requests dropped once it finished.
              retention: { keepPerDriver: 1, requestGraceMs: 0, pruneEveryMs: 500 },
            },
          },
        ),
      );
    const a = ms[0] as ClusterMember;
    for (const v of ['1.0.0', '1.1.0', '2.0.0']) {
      await waitFor(`install ${v}`, async () => {
        await a.runtime.install({ kind: 'file', path: cars[v] as string }, admin);
        return true;
      });
      await waitFor(`${v} on every member`, () =>
        ms.every((m) => m.runtime.getDriver(ID).versions.some((x) => x.version === v)),
      );
    }
    for (const id of ids)
      await a.runtime.createResource({ id, kind: 'pool', driverId: ID, properties: props }, admin);
    await waitFor('settled', () => settled(ms, ids));
    await waitFor('a leader', () => ms.some((m) => m.isLeader()));
    leader = ms.find((m) => m.isLeader()) as ClusterMember;
    [sender, third] = ms.filter((m) => m !== leader) as [ClusterMember, ClusterMember];
    store = new PostgresStateStore(leader.primitives.db);
  }, 120_000);
  afterAll(async () => {
    for (const m of ms.splice(0)) await m.stop();
    await suite.stop();
    await rm(root, { recursive: true, force: true });
  });

  let first: UpgradeStatus;

  it('an upgrade sent to a non-leader is accepted at once and followed to its end on a third member', async () => {
    first = await sender.runtime.submitUpgrade(
      ID,
      { version: '1.1.0', policy: { kind: 'one-at-a-time' } },
      admin,
    );
    // The durable request is written; the leader has not necessarily begun it yet.
    expect(first).toMatchObject({ action: 'upgrade', driverId: ID, to: '1.1.0' });
    expect(['accepted', 'running']).toContain(first.state);
    expect(await store.get(rolloutRequestKey(first.id))).toBeDefined();
    const done = await follow(third, first.id);
    expect(done).toMatchObject({
      id: first.id,
      state: 'succeeded',
      from: '1.0.0',
      to: '1.1.0',
      leader: leader.id,
      progress: { moved: 3, total: 3 },
      record: { id: first.id, action: 'upgrade', result: 'succeeded' },
    });
    await waitFor('1.1.0 active and bound on every member', () => everywhere('1.1.0'));
    // Any member answers for the id, the sender and the leader too.
    for (const m of [sender, leader])
      expect((await m.runtime.upgradeStatus(first.id)).state).toBe('succeeded');
    expect(await codeOf(third.runtime.upgradeStatus('2026-01-01-no-such-rollout'))).toBe(
      'CHASSIS_E_UPGRADE_NOT_FOUND',
    );
  });

  it('a failed canary ends rolled back with its typed code; the leader prunes the older rollout', async () => {
    const failed = await sender.runtime.submitUpgrade(
      ID,
      { version: '2.0.0', policy: { kind: 'canary', canaries: 1 } },
      admin,
    );
    const done = await follow(third, failed.id);
    expect(done).toMatchObject({
      state: 'rolled-back',
      error: { code: 'CHASSIS_E_CLUSTER_ROLLOUT_FAILED' },
      record: { result: 'rolled-back' },
    });
    await waitFor('1.1.0 again on every member', () => everywhere('1.1.0'));
    // Retention keeps one finished rollout of the driver: the first one (and its request) goes.
    await waitFor(
      'the first rollout pruned',
      async () =>
        (await store.get(rolloutKey(first.id))) === undefined &&
        (await store.get(rolloutRequestKey(first.id))) === undefined,
      15_000,
    );
    expect(await store.get(rolloutKey(failed.id))).toBeDefined();
    expect(await codeOf(third.runtime.upgradeStatus(first.id))).toBe('CHASSIS_E_UPGRADE_NOT_FOUND');
  });

  it('a rollback accepted on the leader runs in the background and is followed on another member', async () => {
    const back = await leader.runtime.submitRollback(ID, admin, { to: '1.0.0' });
    expect(back).toMatchObject({ action: 'rollback', state: 'running', leader: leader.id });
    const done = await follow(sender, back.id);
    expect(done).toMatchObject({ action: 'rollback', state: 'succeeded', to: '1.0.0' });
    await waitFor('1.0.0 active and bound on every member', () => everywhere('1.0.0'));
  });
});
