import { ChassisError } from '@chassis/kernel';
import type { UpgradeRecord } from '@chassis/runtime';
import { describe, expect, it } from 'vitest';
import { type MoverRuntime, runtimeMover } from './runtime-mover.js';

/** A runtime whose resources r1 (on 1), r2 (on 2), x (another driver) and an upgrade log. */
function fake(active = '1', fail?: string, busy = 0) {
  const calls: unknown[] = [];
  let refusals = busy;
  const bindings: Record<string, { driverId: string; version: string }> = {
    r1: { driverId: 'd', version: '1' },
    r2: { driverId: 'd', version: '2' },
    x: { driverId: 'other', version: '1' },
  };
  const rt = {
    manager: {
      drivers: new Map([['d', { record: { active } }]]),
      async upgrade(id: string, o: { version?: string; resources?: readonly string[] }) {
        calls.push({ id, ...o });
        // The driver's lock held here (this member's reconciliation): refused before any work.
        if (refusals-- > 0)
          throw new ChassisError('CHASSIS_E_UPGRADE_IN_PROGRESS', 'reconciliation holds the lock');
        if (fail) throw new ChassisError('CHASSIS_E_UPGRADE_HEALTH_FAILED', fail);
        return {
          resources: (o.resources ?? []).map((r) => ({
            id: r,
            from: '1',
            to: o.version,
            pausedMs: 3,
          })),
        } as unknown as UpgradeRecord;
      },
    },
    resources: {
      find: (id: string) => (bindings[id] ? { binding: bindings[id] } : undefined),
    },
  } as unknown as MoverRuntime;
  return { rt, calls };
}

describe('runtimeMover: one local partial upgrade per request, idempotent', () => {
  it('moves only what is not on the target yet, with one upgrade of exactly those resources', async () => {
    const { rt, calls } = fake();
    const res = await runtimeMover(rt).move('d', '2', ['r1', 'r2']);
    expect(res).toEqual({
      ok: true,
      moved: [
        { id: 'r2', from: '2', to: '2' },
        { id: 'r1', from: '1', to: '2', pausedMs: 3 },
      ],
    });
    expect(calls).toEqual([
      { id: 'd', version: '2', resources: ['r1'], policy: { kind: 'all-at-once' } },
    ]);
  });

  it('waits while its own driver lock is held (nothing moved yet), then moves', async () => {
    const { rt, calls } = fake('1', undefined, 2);
    const res = await runtimeMover(rt).move('d', '2', ['r1']);
    expect(res.ok).toBe(true);
    expect(res.moved.map((m) => m.id)).toEqual(['r1']);
    expect(calls).toHaveLength(3);
  });

  it('a commit that finds `to` made active meanwhile (reconciliation followed another member) is done', async () => {
    const record = { active: '1' };
    const rt = {
      manager: {
        drivers: new Map([['d', { record }]]),
        async upgrade() {
          record.active = '2';
          throw new ChassisError(
            'CHASSIS_E_UPGRADE_SAME_VERSION',
            'd@2 is already the active version',
          );
        },
      },
      resources: { find: () => undefined },
    } as unknown as MoverRuntime;
    expect(await runtimeMover(rt).commit('d', '2')).toEqual({ ok: true, moved: [] });
    // Positive control: the same refusal with `to` not active is a failure.
    const failing = {
      resources: { find: () => undefined },
      manager: {
        drivers: new Map([['d', { record: { active: '1' } }]]),
        async upgrade() {
          throw new ChassisError('CHASSIS_E_UPGRADE_SAME_VERSION', 'stale');
        },
      },
    } as unknown as MoverRuntime;
    expect((await runtimeMover(failing).commit('d', '2')).ok).toBe(false);
  });

  it('a repeated request touches nothing', async () => {
    const { rt, calls } = fake();
    expect((await runtimeMover(rt).move('d', '2', ['r2'])).ok).toBe(true);
    expect(calls).toEqual([]);
  });

  it('a resource of another driver is refused', async () => {
    const { rt, calls } = fake();
    const res = await runtimeMover(rt).move('d', '2', ['x']);
    expect(res.ok).toBe(false);
    expect(res.error?.code).toBe('CHASSIS_E_RESOURCE_NOT_FOUND');
    expect(calls).toEqual([]);
  });

  it.each([
    // `ownedFor`: passes during which the lease is this member's; `opensAfter`: the pass that opens it.
    { name: 'owned elsewhere now', ownedFor: 0, opensAfter: 99, notServed: ['gone'], settles: 1 },
    { name: 'just taken over', ownedFor: 99, opensAfter: 2, notServed: [], settles: 2 },
    { name: 'its lease lost again', ownedFor: 3, opensAfter: 99, notServed: ['gone'], settles: 3 },
  ])(
    'a resource not open here, $name: settled first, then moved or reported not served',
    async ({ ownedFor, opensAfter, notServed, settles }) => {
      const { rt, calls } = fake();
      let passes = 0;
      const find = rt.resources.find.bind(rt.resources);
      Object.assign(rt.resources, {
        find: (id: string) =>
          id === 'gone' && passes >= opensAfter
            ? { binding: { driverId: 'd', version: '1' } }
            : find(id),
      });
      const res = await runtimeMover(rt, {
        owns: () => passes < ownedFor,
        settle: async () => {
          passes++;
        },
      }).move('d', '2', ['r1', 'gone']);
      expect(res.ok).toBe(true);
      expect(res.notServed ?? []).toEqual(notServed);
      // What this member serves still moves, in one local upgrade.
      expect(res.moved.map((m) => m.id).sort()).toEqual(notServed.length ? ['r1'] : ['gone', 'r1']);
      expect(passes).toBe(settles);
      expect(calls).toHaveLength(1);
    },
  );

  it('without a settle step, a resource not open here is reported not served at once', async () => {
    const { rt, calls } = fake();
    const res = await runtimeMover(rt).move('d', '2', ['gone']);
    expect(res).toEqual({ ok: true, moved: [], notServed: ['gone'] });
    expect(calls).toEqual([]);
  });

  it('a lease lost mid-move (its write fenced) is no failure: those resources are not served here', async () => {
    const { rt } = fake();
    Object.assign(rt.manager, {
      async upgrade() {
        throw new ChassisError('CHASSIS_E_CLUSTER_FENCED', 'another member holds the lease now');
      },
    });
    const res = await runtimeMover(rt).move('d', '2', ['r2', 'r1']);
    expect(res).toEqual({ ok: true, moved: [{ id: 'r2', from: '2', to: '2' }], notServed: ['r1'] });
  });

  it('reports the local failure (already rolled back by the runtime) as a failed answer', async () => {
    const { rt } = fake('1', 'injected');
    const res = await runtimeMover(rt).move('d', '2', ['r1']);
    expect(res).toMatchObject({
      ok: false,
      moved: [],
      error: { code: 'CHASSIS_E_UPGRADE_HEALTH_FAILED' },
    });
  });

  it('a commit that finds `to` active already still moves what was created meanwhile here (not pinned ones)', async () => {
    const { rt, calls } = fake('2');
    const entries = [
      { resource: { id: 'new1' }, binding: { driverId: 'd', version: '1' } },
      { resource: { id: 'pin1' }, binding: { driverId: 'd', version: '1' } },
      { resource: { id: 'r2' }, binding: { driverId: 'd', version: '2' } },
      { resource: { id: 'x' }, binding: { driverId: 'other', version: '1' } },
    ];
    Object.assign(rt.resources, { list: () => entries });
    Object.assign(rt, { resourceService: { pinned: (id: string) => id === 'pin1' } });
    const res = await runtimeMover(rt).commit('d', '2');
    expect(res).toEqual({ ok: true, moved: [{ id: 'new1', from: '1', to: '2', pausedMs: 3 }] });
    expect(calls).toEqual([
      { id: 'd', version: '2', resources: ['new1'], policy: { kind: 'all-at-once' } },
    ]);
  });

  it('commit: a whole-driver upgrade, unless the target is already active', async () => {
    const a = fake('1');
    expect((await runtimeMover(a.rt).commit('d', '2')).ok).toBe(true);
    expect(a.calls).toEqual([{ id: 'd', version: '2', policy: { kind: 'all-at-once' } }]);
    const b = fake('2');
    expect((await runtimeMover(b.rt).commit('d', '2')).ok).toBe(true);
    expect(b.calls).toEqual([]);
  });
});
