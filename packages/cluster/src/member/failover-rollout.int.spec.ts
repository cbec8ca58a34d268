import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError, type LifecycleEvent } from '@chassis/kernel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import type { ClusterMember } from './member.js';
import { admin, clusterSuite, ownersOf, waitFor } from './testing.js';

const ID = 'com.example.failover';
const MAX_OPS = 3000;

/** What every version's `op` logs: the resource, the sequence number, the version that ran it. */
interface Ran {
  readonly r: string;
  readonly seq: number;
  readonly v: string;
}
const g = globalThis as { __foOps?: Ran[] };

const source = (version: string) => `
const V = ${JSON.stringify(version)};
export default {
  provides: {
    'storage.primary': {
      whoami: () => V,
      op: (ctx, seq) => {
        (globalThis.__foOps ??= []).push({ r: ctx.resource.id, seq, v: V });
        return V;
      },
    },
  },
  health: () => ({ healthy: true }),
};
`;

const suite = clusterSuite({
  name: 'failover',
  driverId: ID,
  cars: { '1.0.0': source('1.0.0'), '1.1.0': source('1.1.0') },
});

/**
 * An owner dies during a cluster-wide rolling upgrade (`halt()`: no more heartbeats, lease
 * renewals, notifications or channel, while the process keeps running as a stale owner). The
 * leader re-plans: the resources it had not moved yet go to their new owners, the moved ones
 * stay moved, and the rollout commits on the members left; operations sent meanwhile run
 * exactly once, in per-resource order.
 */
describe.skipIf(!suite.available)('an owner dies mid-rollout', () => {
  beforeAll(suite.setUp);
  afterEach(async () => {
    await suite.stopMembers();
    g.__foOps = [];
  });
  afterAll(suite.tearDown);

  /** Three forwarding members on a fresh database, both versions installed, `ids` owned once. */
  const cluster = (prefix: string, ids: readonly string[]) =>
    suite.trio(prefix, {
      versions: ['1.0.0', '1.1.0'],
      ids,
      // Calls wait out a takeover (TTL + a tick) instead of failing.
      cluster: { ownerWaitMs: 10_000 },
      more: { rollout: { stepTimeoutMs: 20_000, workerPollMs: 200, moverPollMs: 100 } },
    });

  it('the rollout re-plans and commits with every resource on the new version; every operation runs once', async () => {
    const ids = Array.from({ length: 9 }, (_, i) => `fo-${i}`);
    const { ms, leader, store } = await cluster('f', ids);
    const owners = await ownersOf(leader);
    // The victim: the member (not the leader) owning the most resources; at least two, so that
    // one moves before it dies and one is left for its heir.
    const victim = ms
      .filter((m) => m !== leader)
      .map((m) => ({ m, n: ids.filter((id) => owners.get(id) === m.id).length }))
      .sort((x, y) => y.n - x.n)[0]?.m as ClusterMember;
    const mine = ids.filter((id) => owners.get(id) === victim.id);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    const survivors = ms.filter((m) => m !== victim);
    const caller = survivors.find((m) => m !== leader) as ClusterMember;

    // The victim dies once its first resource is recorded moved.
    let halting: Promise<void> | undefined;
    const seen: ClusterRolloutRecord[] = [];
    const sub = leader.rollout.coordinator.events$.subscribe((r) => {
      seen.push(r);
      if (!halting && mine.some((id) => r.resources[id]?.status === 'moved'))
        halting = victim.halt();
    });
    // Sequential operations on every resource through a survivor (forwarded to the owners).
    let over = false;
    const answers: Ran[] = [];
    const errors: unknown[] = [];
    /**
     * How a careful caller treats the failures a takeover brings. Nothing ran (the typed
     * retryable codes: no live owner yet, or the resource just moved to the calling member and
     * its compartment opens on the next pass; work queued on a compartment that closed): sent
     * again. May or may not have run (`CLUSTER_FORWARD_FAILED` with `ambiguous`: the dying
     * owner's channel reset the connection after the request was sent): checked the way the
     * error says, once the owner's channel is gone, and sent again only if it did not run. Any
     * other failure fails the test. Both bounded.
     */
    const notRun = (err: unknown) =>
      ChassisError.is(err, 'CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE') ||
      ChassisError.is(err, 'CHASSIS_E_RESOURCE_CLOSED');
    const ambiguous = (err: unknown) =>
      ChassisError.is(err, 'CHASSIS_E_CLUSTER_FORWARD_FAILED') && err.details.ambiguous === true;
    const load = Promise.all(
      ids.map(async (r) => {
        for (let seq = 0, tries = 0; seq < MAX_OPS && !over; ) {
          try {
            const v = (await caller.runtime.router.call(r, 'storage.primary', 'op', [
              seq,
            ])) as string;
            answers.push({ r, seq, v });
          } catch (err) {
            if (!(notRun(err) || ambiguous(err)) || ++tries > 200) {
              errors.push(err);
              return;
            }
            if (notRun(err)) {
              await sleep(20);
              continue;
            }
            await halting;
            const ran = (g.__foOps ?? []).find((x) => x.r === r && x.seq === seq);
            if (!ran) continue;
            answers.push(ran);
          }
          seq++;
          // Pacing only, so the bounded loop spans the rollout; nothing is timed.
          await sleep(5);
        }
      }),
    );
    let record: Awaited<ReturnType<ClusterMember['runtime']['upgrade']>>;
    try {
      record = await leader.runtime.upgrade(
        ID,
        { version: '1.1.0', policy: { kind: 'one-at-a-time' } },
        admin,
      );
    } catch (err) {
      // The whole record's error (with its cause) in the failure, not only the message.
      throw new Error(
        JSON.stringify((err as { record?: { error?: unknown } }).record?.error ?? err),
      );
    } finally {
      over = true;
      await load;
      sub.unsubscribe();
      await halting;
    }
    expect(halting).toBeDefined();
    expect(record.result).toBe('succeeded');

    // The record: the victim left, what it had not moved went to its heirs, nothing rolled back.
    const final = (await store.get<ClusterRolloutRecord>(`rollouts/${record.id}`))?.value;
    expect(final?.state).toBe('succeeded');
    expect(final?.departed).toEqual([victim.id]);
    expect(final?.committed).toEqual(survivors.map((m) => m.id).sort());
    // (A survivor may hand a resource on too, when a loaded machine delays a lease renewal.)
    const reassigned = final?.reassigned ?? [];
    expect(reassigned.some((x) => x.from === victim.id)).toBe(true);
    for (const x of reassigned) expect(survivors.map((m) => m.id)).toContain(x.to);
    expect(Object.values(final?.resources ?? {}).every((o) => o.status === 'moved')).toBe(true);
    // Never a rollback in any persisted state of the record.
    expect(seen.every((r) => r.phase !== 'rolling-back')).toBe(true);

    // Every resource on the new version: in the shared records and on its (live) owner.
    for (const id of ids) {
      const rec = await store.get<{ binding: { version: string } }>(`resources/${id}`);
      expect(rec?.value.binding.version).toBe('1.1.0');
    }
    await waitFor('every resource owned by a survivor', async () => {
      const now = await ownersOf(leader);
      return ids.every((id) => survivors.some((m) => m.id === now.get(id)));
    });
    for (const m of survivors) {
      expect(m.runtime.getDriver(ID).activeVersion).toBe('1.1.0');
      for (const id of ids)
        expect(await m.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe('1.1.0');
    }

    // Every operation answered, ran exactly once, in per-resource order, on the version that
    // answered it; each resource switched version at most once (1.0.0 → 1.1.0, never back).
    expect(
      errors.map((e) => [
        (e as { code?: string }).code,
        (e as Error).message,
        JSON.stringify((e as { details?: unknown }).details),
        (e as { cause?: { message?: string } }).cause?.message,
      ]),
    ).toEqual([]);
    const ran = g.__foOps ?? [];
    expect(ran.length).toBe(answers.length);
    expect(new Set(ran.map((x) => `${x.r}#${x.seq}`)).size).toBe(ran.length);
    for (const r of ids) {
      const done = ran.filter((x) => x.r === r);
      expect(done.map((x) => x.seq)).toEqual(done.map((_, i) => i));
      expect(answers.filter((x) => x.r === r).map((x) => x.v)).toEqual(done.map((x) => x.v));
      const switches = done.filter((x, i) => i > 0 && x.v !== done[i - 1]?.v).length;
      expect(switches).toBeLessThanOrEqual(1);
    }
    expect(new Set(answers.map((x) => x.v))).toEqual(new Set(['1.0.0', '1.1.0']));
  }, 90_000);

  it('after a commit every member ends with exactly the new version loaded: no unload and reload of the old', async () => {
    const ids = ['ch-1', 'ch-2', 'ch-3', 'ch-4'];
    const { ms, leader } = await cluster('c', ids);
    const events = new Map<string, LifecycleEvent[]>(ms.map((m) => [m.id, []]));
    const subs = ms.map((m) =>
      m.runtime.lifecycle$.subscribe((e) => {
        if (e.driver === ID) events.get(m.id)?.push(e);
      }),
    );
    try {
      const record = await leader.runtime.upgrade(
        ID,
        { version: '1.1.0', policy: { kind: 'all-at-once' } },
        admin,
      );
      expect(record.result).toBe('succeeded');
      // Whatever the notifications did meanwhile, two full passes on every member now.
      for (const m of ms) await m.reconcile();
      for (const m of ms) await m.reconcile();
    } finally {
      for (const s of subs) s.unsubscribe();
    }
    for (const m of ms) {
      const mine = events.get(m.id) ?? [];
      // The commit unloaded 1.0.0 on this member (it ran it before)...
      const gone = mine.findIndex((e) => e.version === '1.0.0' && e.to === 'Unloaded');
      expect(gone, `${m.id} unloaded 1.0.0`).toBeGreaterThanOrEqual(0);
      // ...and nothing loaded it again afterwards.
      const after = mine.slice(gone + 1).filter((e) => e.version === '1.0.0');
      expect(
        after.map((e) => e.to),
        `${m.id} after the commit`,
      ).toEqual([]);
      expect([...(m.runtime.manager.drivers.get(ID)?.loaded.keys() ?? [])]).toEqual(['1.1.0']);
      expect(m.runtime.lifecycle.get(ID, '1.0.0')?.state).toBe('Unloaded');
      expect(m.runtime.getDriver(ID).activeVersion).toBe('1.1.0');
    }
    // The old version is still installed (kept for a rollback), and a rollback loads it again.
    expect(leader.runtime.getDriver(ID).versions.map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    const back = await leader.runtime.rollback(ID, admin);
    expect(back.result).toBe('succeeded');
    for (const m of ms) await m.reconcile();
    for (const m of ms)
      expect([...(m.runtime.manager.drivers.get(ID)?.loaded.keys() ?? [])]).toEqual(['1.0.0']);
  }, 90_000);
});
