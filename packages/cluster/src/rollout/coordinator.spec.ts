import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError, MemoryStateStore, serializeError } from '@chassis/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { RolloutCoordinator } from './coordinator.js';
import { writeRecord } from './fenced-record.js';
import { StoreMemberMover } from './store-mover.js';
import type { ClusterRolloutRecord, LocalMover, MemberMover, OwnedResource } from './types.js';
import { RolloutWorker } from './worker.js';

/**
 * The coordinator, the store-backed mover and the workers against the in-memory store, with
 * members whose runtime is a small fake (bindings per resource). The real runtime and a real
 * PostgreSQL are in `rollout.int.spec.ts`.
 */

const RES: OwnedResource[] = ['a', 'b', 'c'].flatMap((m) => [
  { id: `${m}1`, owner: m },
  { id: `${m}2`, owner: m },
]);

interface FakeMember {
  readonly bindings: Map<string, string>;
  active: string;
  readonly local: LocalMover;
}

/** Resources in flight cluster-wide right now, and the most ever seen. */
const flight = { now: 0, max: 0 };

function fakeMember(
  ids: string[],
  fail?: (to: string, ids: readonly string[]) => boolean,
): FakeMember {
  const m: FakeMember = {
    bindings: new Map(ids.map((id) => [id, '1'])),
    active: '1',
    local: {
      async move(_d, to, rids) {
        const notServed = rids.filter((id) => !m.bindings.has(id));
        if (notServed.length > 0) return { ok: true, moved: [], notServed };
        flight.now += rids.length;
        flight.max = Math.max(flight.max, flight.now);
        await sleep(5);
        flight.now -= rids.length;
        if (fail?.(to, rids)) {
          const error = new ChassisError('CHASSIS_E_UPGRADE_HEALTH_FAILED', 'injected: unhealthy');
          return { ok: false, moved: [], error: serializeError(error) };
        }
        const moved = rids.map((id) => ({ id, from: m.bindings.get(id) ?? '?', to }));
        for (const id of rids) m.bindings.set(id, to);
        return { ok: true, moved };
      },
      async commit(_d, to) {
        m.active = to;
        for (const id of m.bindings.keys()) m.bindings.set(id, to);
        return { ok: true, moved: [] };
      },
    },
  };
  return m;
}

type Failure = ChassisError & { record: ClusterRolloutRecord };
const unexpected = (): never => {
  throw new Error('expected a rejection');
};
const failed = (e: unknown) => e as Failure;

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  flight.now = 0;
  flight.max = 0;
});

function cluster(
  opts: {
    fail?: (to: string, ids: readonly string[]) => boolean;
    absent?: string;
    timeoutMs?: number;
  } = {},
) {
  const store = new MemoryStateStore();
  const members = Object.fromEntries(
    ['a', 'b', 'c'].map((m) => [
      m,
      fakeMember(
        RES.filter((r) => r.owner === m).map((r) => r.id),
        opts.fail,
      ),
    ]),
  );
  const workers: Record<string, RolloutWorker> = {};
  for (const [id, m] of Object.entries(members)) {
    if (id === opts.absent) continue;
    const w = new RolloutWorker({ store, memberId: id, local: m.local, pollMs: 10 });
    void w.start();
    workers[id] = w;
    stops.push(() => w.stop());
  }
  const leader = { a: true, b: false };
  const mover = new StoreMemberMover({ store, pollMs: 10, timeoutMs: opts.timeoutMs ?? 1500 });
  const coordinator = (id: 'a' | 'b', m: MemberMover = mover) =>
    new RolloutCoordinator({ store, memberId: id, isLeader: () => leader[id], mover: m });
  return { store, members, workers, leader, mover, coordinator };
}

const request = (policy: ClusterRolloutRecord['plan']['policy']) => ({
  driverId: 'd',
  from: '1',
  to: '2',
  policy,
  resources: RES,
  principal: 'alice',
});

/**
 * Member b dies on its first move that `dies` matches: it drops out of the live members, its
 * leases on b1 and b2 pass to c a little later (c serves them on the version b left them on),
 * and b's answer comes too late, as a failure. Returns the leader's coordinator (a) that reads
 * that ownership, and the heir.
 */
async function bDiesDuring(
  c: ReturnType<typeof cluster>,
  dies: (to: string, ids: readonly string[]) => boolean,
): Promise<{ co: RolloutCoordinator; b: FakeMember; heir: FakeMember }> {
  const b = c.members.b as FakeMember;
  const heir = c.members.c as FakeMember;
  // The resource records (what the re-plan reads to tell a deleted resource apart).
  for (const r of RES) await c.store.put(`resources/${r.id}`, { binding: { version: '1' } }, 0);
  const alive = new Set(['a', 'b', 'c']);
  const owners = new Map(RES.map((r) => [r.id, r.owner]));
  const move = b.local.move.bind(b.local);
  b.local.move = async (d, to, ids) => {
    if (!dies(to, ids)) return move(d, to, ids);
    alive.delete('b');
    setTimeout(() => {
      for (const id of ['b1', 'b2']) {
        owners.set(id, 'c');
        heir.bindings.set(id, b.bindings.get(id) ?? '?');
      }
    }, 50);
    await sleep(300);
    const late = new ChassisError('CHASSIS_E_INTERNAL', 'late');
    return { ok: false, moved: [], error: serializeError(late) };
  };
  const co = new RolloutCoordinator({
    store: c.store,
    memberId: 'a',
    isLeader: () => true,
    mover: c.mover,
    watchMs: 10,
    ownership: async () => ({ owners, members: new Map([...alive].map((m) => [m, m])) }),
  });
  return { co, b, heir };
}

const versions = (members: Record<string, FakeMember>) =>
  Object.fromEntries(Object.values(members).flatMap((m) => [...m.bindings]));

describe('RolloutCoordinator (in-memory store, fake members)', () => {
  it('one-at-a-time: one resource in flight in the whole cluster, then every member commits', async () => {
    const c = cluster();
    const seen: ClusterRolloutRecord[] = [];
    const co = c.coordinator('a');
    co.events$.subscribe((r) => seen.push(r));
    const done = await co.rollout(request({ kind: 'one-at-a-time' }));
    expect(done.state).toBe('succeeded');
    expect(done.committed).toEqual(['a', 'b', 'c']);
    expect(flight.max).toBe(1);
    // From the record: at no persisted point were two resources `moving`.
    for (const r of seen) {
      expect(
        Object.values(r.resources).filter((o) => o.status === 'moving').length,
      ).toBeLessThanOrEqual(1);
    }
    expect(Object.values(versions(c.members))).toEqual(Array(6).fill('2'));
    expect(Object.values(c.members).map((m) => m.active)).toEqual(['2', '2', '2']);
    expect((await c.store.get<ClusterRolloutRecord>(`rollouts/${done.id}`))?.value.state).toBe(
      'succeeded',
    );
  });

  it('a failed canary rolls back on every member: CHASSIS_E_CLUSTER_ROLLOUT_FAILED', async () => {
    // b's canary fails its health check; a's canary moved and must come back.
    const c = cluster({ fail: (to, ids) => to === '2' && ids.includes('b1') });
    const err = await c
      .coordinator('a')
      .rollout(request({ kind: 'canary', canaries: 2 }))
      .then(unexpected, failed);
    expect(err.code).toBe('CHASSIS_E_CLUSTER_ROLLOUT_FAILED');
    expect(err.record.state).toBe('rolled-back');
    expect(err.record.error?.cause?.code).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED');
    expect(err.record.steps).toEqual(['failed', 'pending']);
    expect(err.record.resources.a1?.status).toBe('rolled-back');
    expect(Object.values(versions(c.members))).toEqual(Array(6).fill('1'));
    expect(Object.values(c.members).map((m) => m.active)).toEqual(['1', '1', '1']);
  });

  it('a member that does not answer: bounded wait, the others roll back, the rollout is failed', async () => {
    const c = cluster({ absent: 'b', timeoutMs: 300 });
    const err = await c
      .coordinator('a')
      .rollout(request({ kind: 'all-at-once' }))
      .then(unexpected, failed);
    expect(err.code).toBe('CHASSIS_E_CLUSTER_ROLLOUT_FAILED');
    expect(err.record.error?.cause?.code).toBe('CHASSIS_E_CLUSTER_MEMBER_TIMEOUT');
    // b never answered its rollback either: named as unsettled.
    expect(err.record.state).toBe('failed');
    expect(err.record.error?.details.unsettled).toEqual(['b1', 'b2']);
    expect(c.members.a?.bindings.get('a1')).toBe('1');
  });

  it('an owner that dies mid-rollout: its resource goes to the new owner, the rest stays moved, the rollout commits', async () => {
    const c = cluster();
    // b dies while it holds its request for b2 (one at a time: a1, b1, c1, a2, then b2): it
    // never moves b2, and c takes over its lease on b2 a little later. b's answer is dropped.
    const { co, b, heir } = await bDiesDuring(c, (_to, ids) => ids.includes('b2'));
    const done = await co.rollout(request({ kind: 'one-at-a-time' }));
    expect(done.state).toBe('succeeded');
    expect(done.departed).toEqual(['b']);
    expect(done.committed).toEqual(['a', 'c']);
    expect(done.reassigned).toEqual([{ step: 4, resource: 'b2', from: 'b', to: 'c', round: 1 }]);
    expect(done.resources.b1).toMatchObject({ member: 'b', status: 'moved', version: '2' });
    expect(done.resources.b2).toMatchObject({ member: 'c', status: 'moved', version: '2' });
    // b's own request for b2 was superseded: its late answer is dropped, a late pickup never runs it.
    await c.workers.b?.idle();
    const stale = await c.store.get<{ status: string }>(`rollouts/${done.id}/steps/4/b`);
    expect(stale?.value.status).toBe('superseded');
    expect(b.bindings.get('b2')).toBe('1');
    expect(heir.bindings.get('b2')).toBe('2');
    expect([c.members.a?.active, heir.active]).toEqual(['2', '2']);
  });

  it('a real failure rolls back; an owner that dies during the rollback has its resources rolled back by the new owner', async () => {
    // a's canary fails its health check; b's canary moved and must come back, but b dies first.
    const c = cluster({ fail: (to, ids) => to === '2' && ids.includes('a1') });
    const { co, heir } = await bDiesDuring(c, (to) => to === '1');
    const err = await co.rollout(request({ kind: 'canary', canaries: 2 })).then(unexpected, failed);
    expect(err.record.error?.cause?.code).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED');
    expect(err.record.state).toBe('rolled-back');
    expect(err.record.resources.b1).toMatchObject({ member: 'c', status: 'rolled-back' });
    expect(heir.bindings.get('b1')).toBe('1');
    expect(c.members.a?.bindings.get('a1')).toBe('1');
  });

  it('only the leader begins, and one rollout per driver at a time', async () => {
    const c = cluster();
    await expect(c.coordinator('b').begin(request({ kind: 'all-at-once' }))).rejects.toMatchObject({
      code: 'CHASSIS_E_CLUSTER_NOT_LEADER',
    });
    const co = c.coordinator('a');
    await co.begin(request({ kind: 'all-at-once' }));
    await expect(co.begin(request({ kind: 'all-at-once' }))).rejects.toMatchObject({
      code: 'CHASSIS_E_UPGRADE_IN_PROGRESS',
    });
  });

  it.each([
    { at: 1, outcome: 'rolled-back', final: 'rolled-back', version: '1' },
    { at: 5, outcome: 'completed', final: 'succeeded', version: '2' },
  ])(
    'leader lost after step $at answered: the new leader fences it and the rule says $outcome',
    async ({ at, outcome, final, version }) => {
      const c = cluster();
      // The old leader loses the lock once the members answered step `at` (before it records it).
      const lossy: MemberMover = {
        async move(req, signal) {
          const res = await c.mover.move(req, signal);
          if (req.kind === 'move' && req.n === at) {
            c.leader.a = false;
            c.leader.b = true;
          }
          return res;
        },
      };
      const co = c.coordinator('a', lossy);
      const first = await co.begin(request({ kind: 'one-at-a-time' }));
      const old = await co.run(first.id).then(unexpected, failed);
      expect(old.code).toBe('CHASSIS_E_CLUSTER_NOT_LEADER');
      const stale = await c.store.get<ClusterRolloutRecord>(`rollouts/${first.id}`);
      const [closed] = await c.coordinator('b').resume();
      expect(closed?.recovery).toMatchObject({ outcome, by: 'b', epoch: 2 });
      expect(closed?.state).toBe(final);
      expect(Object.values(versions(c.members))).toEqual(Array(6).fill(version));
      // The old leader is fenced even if it believed it still led: its record is stale.
      if (!stale) throw new Error('no record');
      const asA = { memberId: 'a', isLeader: () => true };
      await expect(writeRecord(c.store, stale, stale.value, asA)).rejects.toMatchObject({
        code: 'CHASSIS_E_CLUSTER_FENCED',
      });
      // Positive control: the same write on the current version lands.
      const now = await c.store.get<ClusterRolloutRecord>(`rollouts/${first.id}`);
      if (!now) throw new Error('no record');
      await expect(writeRecord(c.store, now, now.value, asA)).resolves.toMatchObject({
        version: now.version + 1,
      });
    },
  );
});
