import { setTimeout as sleep } from 'node:timers/promises';
import type { UpgradeStatus } from '@chassis/runtime';
import type { PostgresStateStore } from '@chassis/state-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolloutKey } from '../rollout/keys.js';
import type { ClusterMember } from './member.js';
import { rolloutRequestKey } from './rollout-requests.js';
import { admin, clusterSuite, codeOf, waitFor } from './testing.js';

const ID = 'com.example.fixture';

const source = (version: string, healthy: boolean) => `
export default {
  provides: { 'storage.primary': { whoami: () => ${JSON.stringify(version)} } },
  health: () => (${healthy} ? { healthy: true } : { healthy: false, detail: 'injected: degraded' }),
};
`;

const suite = clusterSuite({
  name: 'accepted-rollout',
  driverId: ID,
  cars: {
    '1.0.0': source('1.0.0', true),
    '1.1.0': source('1.1.0', true),
    '2.0.0': source('2.0.0', false),
  },
});

/**
 * Cluster upgrades accepted by id (the admin API's `Prefer: respond-async`): sent to a member
 * that does not lead, followed on a third one, pruned by the leader's retention afterwards.
 * The tests share one cluster and run in order.
 */
describe.skipIf(!suite.available)('accepted cluster upgrades followed by id', () => {
  let ms: readonly ClusterMember[] = [];
  let leader: ClusterMember;
  /** Does not lead: where the upgrades are sent. */
  let sender: ClusterMember;
  /** Neither the sender nor the leader: where they are followed. */
  let third: ClusterMember;
  let store: PostgresStateStore;

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
    await suite.setUp();
    ({ ms, leader, store } = await suite.trio('', {
      versions: ['1.0.0', '1.1.0', '2.0.0'],
      ids: ['p1', 'p2', 'p3'],
      more: {
        rollout: {
          stepTimeoutMs: 15_000,
          workerPollMs: 200,
          moverPollMs: 100,
          // One finished rollout kept per driver, requests dropped once it finished.
          retention: { keepPerDriver: 1, requestGraceMs: 0, pruneEveryMs: 500 },
        },
      },
    }));
    [sender, third] = ms.filter((m) => m !== leader) as [ClusterMember, ClusterMember];
  }, 120_000);
  afterAll(suite.tearDown);

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
