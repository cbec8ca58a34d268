import { ChassisError } from '@chassis/kernel';
import type { UpgradeRecord } from '@chassis/runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listRollouts } from '../rollout/keys.js';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import type { ClusterMember } from './member.js';
import { type RolloutRequestRecord, rolloutRequestKey } from './rollout-requests.js';
import { admin, clusterSuite, ownersOf, waitFor } from './testing.js';

const ID = 'com.example.fixture';
const g = globalThis as { __c4health?: number };

/** `healthyCalls`: health checks passed (over every member of this process) before it turns bad. */
const source = (version: string, healthyCalls = Number.POSITIVE_INFINITY) => `
export default {
  provides: { 'storage.primary': { whoami: () => ${JSON.stringify(version)} } },
  health: () => {
    globalThis.__c4health = (globalThis.__c4health ?? 0) + 1;
    return globalThis.__c4health <= ${healthyCalls === Number.POSITIVE_INFINITY ? 'Infinity' : healthyCalls}
      ? { healthy: true }
      : { healthy: false, detail: 'injected: array degraded' };
  },
};
`;

const suite = clusterSuite({
  name: 'cluster-rollout',
  driverId: ID,
  cars: {
    '1.0.0': source('1.0.0'),
    '1.1.0': source('1.1.0'),
    '2.1.0': source('2.1.0', 1),
  },
});

/**
 * The cluster-wide upgrade through `startClusterMember`: the member's runtime `upgrade` (what the
 * admin API and the CLI call) goes through the leader's rollout coordinator.
 */
describe.skipIf(!suite.available)('cluster-wide upgrade through the members', () => {
  /** Three forwarding members on a fresh database, `versions` installed, `ids` owned once. */
  const cluster = (
    prefix: string,
    versions: readonly string[],
    ids: readonly string[],
    stepTimeoutMs = 15_000,
  ) =>
    suite.trio(prefix, {
      versions,
      ids,
      more: { rollout: { stepTimeoutMs, workerPollMs: 200, moverPollMs: 100 } },
    });
  /** Every member: `version` active and every resource (local or placed elsewhere) bound to it. */
  const everywhere = (ms: readonly ClusterMember[], version: string) =>
    ms.every(
      (m) =>
        m.runtime.getDriver(ID).activeVersion === version &&
        m.runtime.listResources().every((r) => r.binding.version === version),
    );

  beforeAll(suite.setUp);
  afterEach(suite.stopMembers);
  afterAll(suite.tearDown);

  it('one at a time moves one resource cluster-wide per step; every member ends on the new version', async () => {
    const ids = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    const { ms, leader, others, store } = await cluster('1', ['1.0.0', '1.1.0'], ids);
    // Sent to a member that does not lead: a durable request the leader runs.
    const other = others[0] as ClusterMember;
    const events: ClusterRolloutRecord[] = [];
    const sub = leader.rollout.coordinator.events$.subscribe((r) => events.push(r));
    const before = await store.get(`drivers/${ID}`);
    // Load through a non-owner for some resources (forwarded): every call answers, on its
    // resource's versions in order (1.0.0 then 1.1.0, never back).
    let done = false;
    const seen = new Map<string, string[]>();
    const load = (async () => {
      while (!done)
        for (const id of ids) {
          const v = (await other.runtime.router.call(
            id,
            'storage.primary',
            'whoami',
            [],
          )) as string;
          const s = seen.get(id) ?? [];
          if (s.at(-1) !== v) seen.set(id, [...s, v]);
        }
    })();
    let record: UpgradeRecord;
    try {
      record = await other.runtime.upgrade(
        ID,
        { version: '1.1.0', policy: { kind: 'one-at-a-time' } },
        admin,
      );
    } finally {
      done = true;
      await load;
      sub.unsubscribe();
    }
    expect(record.result).toBe('succeeded');
    expect(record.resources.map((r) => r.id).sort()).toEqual(ids);
    for (const s of seen.values()) expect(['1.0.0,1.1.0', '1.1.0', '1.0.0']).toContain(s.join());
    const [cr] = await listRollouts(store);
    // The answer is the leader's record: same id, run by the leader, for the request's sender.
    expect([record.id, cr?.value.leader, cr?.value.state]).toEqual([
      cr?.value.id,
      leader.id,
      'succeeded',
    ]);
    const request = await store.get<RolloutRequestRecord>(rolloutRequestKey(record.id));
    expect(request?.value).toMatchObject({ status: 'begun', requestedBy: other.id });
    expect(cr?.value.plan.steps.map((s) => s.moves.length)).toEqual([1, 1, 1, 1, 1, 1]);
    // Never two resources in flight in the cluster, in any persisted state of the record.
    const inFlight = events.map(
      (e) => Object.values(e.resources).filter((o) => o.status === 'moving').length,
    );
    expect(Math.max(...inFlight)).toBe(1);
    await waitFor('1.1.0 active and bound on every member', () => everywhere(ms, '1.1.0'));
    for (const m of ms)
      for (const id of ids)
        expect(await m.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe('1.1.0');
    // The per-member moves never write drivers/<id>; of the three commits only the first does.
    const after = await store.get<{ active: string; previous: string }>(`drivers/${ID}`);
    expect(after?.value).toMatchObject({ active: '1.1.0', previous: '1.0.0' });
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    // A rollback sent to the leader is cluster-wide too: every member back on 1.0.0.
    const back = await leader.runtime.rollback(ID, admin);
    expect([back.action, back.result, back.to]).toEqual(['rollback', 'succeeded', '1.0.0']);
    await waitFor('1.0.0 active and bound on every member', () => everywhere(ms, '1.0.0'));
    // A rollback sent to a non-leader goes through the leader too (back to 1.1.0 here).
    const again = await other.runtime.rollback(ID, admin);
    expect([again.action, again.result, again.to]).toEqual(['rollback', 'succeeded', '1.1.0']);
    await waitFor('1.1.0 again on every member', () => everywhere(ms, '1.1.0'));
  });

  it('after the leader crashed, an upgrade sent to a non-leader is run by the new leader', async () => {
    const ids = ['l1', 'l2', 'l3', 'l4'];
    const { ms, leader, others, store } = await cluster('3', ['1.0.0', '1.1.0'], ids);
    // The leader crashes; once its leases are taken over, the upgrade is sent to a survivor.
    await leader.halt();
    await waitFor(
      'the crashed leader dropped and its resources taken over',
      async () =>
        (await ownersOf(others[0] as ClusterMember)).size === ids.length &&
        [...(await ownersOf(others[0] as ClusterMember)).values()].every((o) => o !== leader.id),
    );
    const record = await (others[0] as ClusterMember).runtime.upgrade(
      ID,
      { version: '1.1.0', policy: { kind: 'all-at-once' } },
      admin,
    );
    expect(record.result).toBe('succeeded');
    const rollout = await store.get<ClusterRolloutRecord>(`rollouts/${record.id}`);
    expect(rollout?.value.leader).not.toBe(leader.id);
    expect(rollout?.value.plan.members).not.toContain(leader.id);
    const live = ms.filter((m) => m !== leader);
    await waitFor('1.1.0 active and bound on the live members', () => everywhere(live, '1.1.0'));
  });

  it('the leader dies mid-rollout of a request: the new leader closes it, the sender gets its result', async () => {
    const ids = ['m1', 'm2', 'm3', 'm4'];
    // Short step timeout (bounds every wait); the dead leader's resources go back on their heirs.
    const { leader, others, store } = await cluster('4', ['1.0.0', '1.1.0'], ids, 2000);
    let halting: Promise<void> | undefined;
    const sub = leader.rollout.coordinator.events$.subscribe((r) => {
      if (r.steps[0] === 'done' && !halting) halting = leader.halt();
    });
    const err = await (others[0] as ClusterMember).runtime
      .upgrade(ID, { version: '1.1.0', policy: { kind: 'one-at-a-time' } }, admin)
      .catch((e: unknown) => e);
    sub.unsubscribe();
    await halting;
    expect(halting).toBeDefined();
    // Interrupted mid-way: the rule rolls it back, and the sender throws that, not NOT_LEADER.
    expect(ChassisError.is(err) && err.code).toBe('CHASSIS_E_CLUSTER_ROLLOUT_FAILED');
    const [cr] = await listRollouts(store);
    expect(cr?.value.leader).not.toBe(leader.id);
    expect(cr?.value.epoch).toBeGreaterThanOrEqual(2);
    expect(cr?.value.recovery?.outcome).toBe('rolled-back');
    // The dead leader's own resources were rolled back by their new owners: nothing unsettled.
    expect(cr?.value.state).toBe('rolled-back');
    expect((err as { record?: UpgradeRecord }).record?.id).toBe(cr?.value.id);
  });

  it('a failing canary rolls back on every member', async () => {
    const ids = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    const { ms, others } = await cluster('2', ['1.0.0', '2.1.0'], ids);
    // The first canary's health check passes, the second's fails: the cluster undoes both.
    // Sent to a non-leader, which throws the leader's result as a local call would.
    g.__c4health = 0;
    const err = await (others[0] as ClusterMember).runtime
      .upgrade(ID, { version: '2.1.0', policy: { kind: 'canary', canaries: 2 } }, admin)
      .catch((e: unknown) => e);
    expect(ChassisError.is(err) && err.code).toBe('CHASSIS_E_CLUSTER_ROLLOUT_FAILED');
    expect((err as { record?: UpgradeRecord }).record?.result).toBe('rolled-back');
    // The typed cause is the canary's own failure, naming where it failed.
    const failed = err as ChassisError;
    const cause = failed.cause as ChassisError;
    expect(ChassisError.is(cause) && cause.code).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED');
    expect(cause.details).toMatchObject({
      driver: ID,
      version: '2.1.0',
      member: failed.details.member,
      resources: failed.details.resources,
    });
    expect(ms.map((m) => m.id)).toContain(cause.details.member);
    expect(cause.details.resources).toEqual([expect.stringMatching(/^k[1-6]$/)]);
    await waitFor('1.0.0 active and bound on every member', () => everywhere(ms, '1.0.0'));
    for (const m of ms)
      for (const id of ids)
        expect(await m.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe('1.0.0');
  });
});
