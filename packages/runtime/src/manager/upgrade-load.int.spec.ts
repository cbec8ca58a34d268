import {
  type DriverDefinition,
  type DriverHandle,
  LifecycleManager,
  MemoryStateStore,
  type Resource,
  type ResourceBinding,
  ResourceRegistry,
} from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import type { UpgradeRecord } from '../api/runtime-api.js';
import { FakeLoader, fakeDescriptor } from '../testing/fake-loader.js';
import { DriverManager } from './driver-manager.js';
import { UpgradeHistory } from './records.js';

/**
 * Issue 7 load test: 50 resources each receive a steady stream of operations through their
 * compartments while the driver goes v1 → v2 (one at a time) → v3 (from the repository, start
 * fails: nothing moves) → v3.0.1 (canary, health check fails: canaries roll back to v2) →
 * explicit rollback to v1 (all at once). Bounded by count (40 ops per resource), not by time.
 */

const ID = 'com.example.sf';
const RESOURCES = 50;
const CHUNK = 10;
const PHASES = 4;
const OPS = CHUNK * PHASES;
const CANARIES = 5;
/** Safety bound for a blocker op waiting for its compartment to be suspended. */
const BLOCKER_BOUND_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One operation as the driver saw it run. */
interface Ran {
  readonly seq: number;
  /** The version of the driver instance that ran it. */
  readonly version: string;
  /** The resource's binding (independent log, see {@link RecordingRegistry}) when it started. */
  readonly boundAtStart: string;
  /** The binding when it finished: a swap must drain it before rebinding. */
  readonly boundAtEnd: string;
  /** Lifecycle state of its version when it finished: never stopped under a running op. */
  readonly stateAtEnd: string | undefined;
  /** For blockers: what released them. */
  readonly released?: 'suspended' | 'phase-settled' | 'bound';
}

/** A registry that logs every binding change per resource, in order. */
class RecordingRegistry extends ResourceRegistry<DriverHandle> {
  readonly changes = new Map<string, string[]>();
  override setBinding(id: string, binding: ResourceBinding): void {
    super.setBinding(id, binding);
    const log = this.changes.get(id) ?? [];
    log.push(binding.version);
    this.changes.set(id, log);
  }
}

function setup() {
  const resources = new RecordingRegistry();
  const initial = new Map<string, string>();
  const ran = new Map<string, Ran[]>();
  const counts = new Map<string, number>();
  let phaseSettled = false;

  /** The binding of `rid` per the independent log: last change, else the version it was added with. */
  const boundNow = (rid: string) => resources.changes.get(rid)?.at(-1) ?? initial.get(rid)!;

  const definition = (
    version: string,
    extra: Partial<DriverDefinition> = {},
  ): DriverDefinition => ({
    provides: {
      'storage.primary': {
        async op(ctx: { resource: Resource }, seq: number, hold: boolean) {
          const rid = ctx.resource.id;
          const key = `${rid}#${seq}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          const boundAtStart = boundNow(rid);
          let released: Ran['released'];
          if (hold) {
            // In flight until the upgrade suspends this compartment: the swap must drain it.
            const deadline = performance.now() + BLOCKER_BOUND_MS;
            for (;;) {
              if (resources.get(rid).compartment.state === 'suspended') released = 'suspended';
              else if (phaseSettled) released = 'phase-settled';
              else if (performance.now() > deadline) released = 'bound';
              if (released) break;
              await sleep(1);
            }
          } else if (seq % 3 === 0) {
            await sleep(1 + (seq % 4)); // a few ms of simulated I/O
          } else if (seq % 3 === 1) {
            await Promise.resolve();
          }
          const log = ran.get(rid) ?? [];
          log.push({
            seq,
            version,
            boundAtStart,
            boundAtEnd: boundNow(rid),
            stateAtEnd: lifecycle.state(ID, version),
            ...(released ? { released } : {}),
          });
          ran.set(rid, log);
          return version;
        },
      },
    },
    ...extra,
  });

  const lifecycle = new LifecycleManager();
  const loader = new FakeLoader();
  loader.add('sf-1.0.0', fakeDescriptor(ID, '1.0.0'), definition('1.0.0'));
  loader.add('sf-2.0.0', fakeDescriptor(ID, '2.0.0'), definition('2.0.0'));
  loader.add(
    'sf-3.0.0',
    fakeDescriptor(ID, '3.0.0'),
    definition('3.0.0', {
      start: () => {
        throw new Error('injected fault: v3 cannot reach its array');
      },
    }),
  );
  loader.add(
    'sf-3.0.1',
    fakeDescriptor(ID, '3.0.1'),
    definition('3.0.1', { health: () => ({ healthy: false, detail: 'injected: array degraded' }) }),
  );
  const acquired: string[] = [];
  const store = new MemoryStateStore();
  const manager = new DriverManager({
    lifecycle,
    resources,
    store,
    loader,
    acquire: async (_id, version) => {
      acquired.push(version ?? 'newest');
      return `sf-${version ?? '3.0.0'}`;
    },
    startTimeoutMs: 2_000,
    healthTimeoutMs: 2_000,
  });
  const suspendedAt: string[] = [];
  lifecycle.lifecycle$.subscribe((e) => {
    if (e.to === 'Suspended') suspendedAt.push(e.version);
  });

  const ids = Array.from({ length: RESOURCES }, (_, i) => `pool-${String(i).padStart(2, '0')}`);
  const addResources = async () => {
    const version = manager.drivers.get(ID)!.record.active!;
    for (const id of ids) {
      const resource: Resource = {
        id,
        kind: 'primary-storage-pool',
        category: 'storage',
        driverId: ID,
      };
      resources.add(resource, { driverId: ID, version }, manager.active(ID).handle);
      initial.set(id, version);
      await store.put(`resources/${id}`, { resource, binding: { driverId: ID, version } }, 0);
    }
  };

  /**
   * Streams one chunk of operations to every resource while `phase` runs. Even resources start
   * with a blocker op, in flight when the phase begins, so swaps provably meet in-flight work.
   */
  const chunkDuring = async (
    chunk: number,
    phase: () => Promise<UpgradeRecord>,
  ): Promise<{ record?: UpgradeRecord; error?: { code?: string; record?: UpgradeRecord } }> => {
    phaseSettled = false;
    const ops: Promise<unknown>[] = [];
    const producers = ids.map(async (rid, i) => {
      const c = resources.get(rid).compartment;
      for (let k = 0; k < CHUNK; k++) {
        const seq = chunk * CHUNK + k;
        const hold = k === 0 && i % 2 === 0;
        ops.push(
          c.submit((h) =>
            h.invoke(
              'storage.primary',
              'op',
              { properties: {}, resource: resources.get(rid).resource },
              [seq, hold],
            ),
          ),
        );
        await sleep(k === 0 ? 0 : 1);
      }
    });
    const outcome = phase().then(
      (record) => ({ record }),
      (error) => ({ error }),
    );
    const settled = outcome.then((o) => {
      phaseSettled = true;
      return o;
    });
    await Promise.all(producers);
    const [result, opResults] = await Promise.all([settled, Promise.allSettled(ops)]);
    const failed = opResults.filter((r) => r.status === 'rejected');
    expect(failed, `operations failed during phase ${chunk + 1}`).toEqual([]);
    return result;
  };

  return {
    manager,
    lifecycle,
    resources,
    store,
    ids,
    ran,
    counts,
    acquired,
    suspendedAt,
    addResources,
    chunkDuring,
  };
}

describe('DriverManager under load (issue 7)', () => {
  it('v1 → v2 → v3 (start fault) → v3.0.1 (health fault, auto rollback) → rollback: nothing lost, duplicated, reordered or misrouted', async () => {
    const t = setup();
    await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'ops');
    await t.addResources();
    await t.manager.install({ kind: 'file', path: 'sf-2.0.0' }, 'ops');

    // Phase 1: v1 → v2, one resource at a time.
    const p1 = await t.chunkDuring(0, () =>
      t.manager.upgrade(ID, { version: '2.0.0', policy: { kind: 'one-at-a-time' } }, 'ops'),
    );
    expect(p1.error).toBeUndefined();
    expect(p1.record).toMatchObject({ action: 'upgrade', from: '1.0.0', to: '2.0.0' });
    expect(p1.record?.result).toBe('succeeded');
    expect(p1.record?.resources.map((r) => r.id)).toEqual(t.ids);
    expect(t.suspendedAt.filter((v) => v === '1.0.0')).toHaveLength(RESOURCES);

    // Phase 2: v3 comes from the repository and fails to start: nothing moves, v2 stays active.
    const p2 = await t.chunkDuring(1, () =>
      t.manager.upgrade(
        ID,
        { version: '3.0.0', policy: { kind: 'canary', canaries: CANARIES } },
        'ops',
      ),
    );
    expect(p2.error?.code).toBe('CHASSIS_E_UPGRADE_START_FAILED');
    expect(t.acquired).toEqual(['3.0.0']);
    expect(t.manager.drivers.get(ID)!.record.active).toBe('2.0.0');
    expect(t.lifecycle.state(ID, '3.0.0')).toBe('Unloaded');

    // Phase 3: v3.0.1 passes its start but fails the canary health check: canaries go back to v2.
    await t.manager.install({ kind: 'file', path: 'sf-3.0.1' }, 'ops');
    const p3 = await t.chunkDuring(2, () =>
      t.manager.upgrade(
        ID,
        { version: '3.0.1', policy: { kind: 'canary', canaries: CANARIES } },
        'ops',
      ),
    );
    expect(p3.error?.code).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED');
    expect(p3.error?.record?.result).toBe('rolled-back');
    const canaries = t.ids.slice(0, CANARIES);
    expect(p3.error?.record?.resources.map((r) => r.id)).toEqual(canaries);
    expect(t.lifecycle.state(ID, '3.0.1')).toBe('Unloaded');
    expect(t.manager.drivers.get(ID)!.record.active).toBe('2.0.0');

    // Phase 4: explicit rollback to the previous version (v1, reloaded from its kept CAR).
    const p4 = await t.chunkDuring(3, () => t.manager.rollback(ID, 'ops'));
    expect(p4.error).toBeUndefined();
    expect(p4.record).toMatchObject({ action: 'rollback', from: '2.0.0', to: '1.0.0' });
    expect(p4.record?.result).toBe('succeeded');
    expect(t.lifecycle.state(ID, '1.0.0')).toBe('Running');
    expect(t.lifecycle.state(ID, '2.0.0')).toBe('Unloaded');

    // Exactly once, in per-resource submission order.
    expect(t.counts.size).toBe(RESOURCES * OPS);
    expect([...t.counts.values()].every((n) => n === 1)).toBe(true);
    const inOrder = Array.from({ length: OPS }, (_, i) => i);
    for (const id of t.ids) expect(t.ran.get(id)?.map((r) => r.seq)).toEqual(inOrder);

    // Every binding change is the one the upgrade records describe, and nothing else.
    for (const id of t.ids) {
      const path = canaries.includes(id)
        ? ['2.0.0', '3.0.1', '2.0.0', '1.0.0']
        : ['2.0.0', '1.0.0'];
      expect(t.resources.changes.get(id), id).toEqual(path);
      expect(t.resources.get(id).binding.version).toBe('1.0.0');
      const persisted = await t.store.get<{ binding: ResourceBinding }>(`resources/${id}`);
      expect(persisted?.value.binding.version).toBe('1.0.0');
    }

    // Each operation ran on the version bound when it started, finished before its resource
    // was rebound (drained), and its version was still running (or suspended) when it finished.
    const misrouted = t.ids.flatMap((id) =>
      (t.ran.get(id) ?? [])
        .filter(
          (r) =>
            r.version !== r.boundAtStart ||
            r.version !== r.boundAtEnd ||
            (r.stateAtEnd !== 'Running' && r.stateAtEnd !== 'Suspended'),
        )
        .map((r) => `${id}#${r.seq}`),
    );
    expect(misrouted).toEqual([]);

    // Swaps met in-flight work: every even resource's blocker was drained by its own swap in
    // phases 1 and 4 (and by the canary swap in phase 3), and the work queued behind it ran
    // on the new version, in order.
    for (const [i, id] of t.ids.entries()) {
      if (i % 2 !== 0) continue;
      const ops = t.ran.get(id)!;
      const phase = (c: number) => ops.slice(c * CHUNK, (c + 1) * CHUNK);
      expect(phase(0)[0]).toMatchObject({ version: '1.0.0', released: 'suspended' });
      expect(
        phase(0)
          .slice(1)
          .every((r) => r.version === '2.0.0'),
      ).toBe(true);
      expect(phase(1)[0]?.released).toBe('phase-settled');
      expect(phase(1).every((r) => r.version === '2.0.0')).toBe(true);
      expect(phase(2)[0]?.released).toBe(canaries.includes(id) ? 'suspended' : 'phase-settled');
      expect(phase(3)[0]).toMatchObject({ version: '2.0.0', released: 'suspended' });
      expect(
        phase(3)
          .slice(1)
          .every((r) => r.version === '1.0.0'),
      ).toBe(true);
    }
    // Resources that were never moved in phases 2 and 3 stayed on v2 throughout.
    for (const id of t.ids.slice(CANARIES)) {
      const ops = t.ran.get(id)!.slice(CHUNK, 3 * CHUNK);
      expect(ops.every((r) => r.version === '2.0.0')).toBe(true);
    }

    // One history record per action, with the outcome.
    expect(
      (await t.manager.history(ID)).map((r) => `${r.action}:${r.to ?? r.from}:${r.result}`),
    ).toEqual([
      'install:1.0.0:succeeded',
      'install:2.0.0:succeeded',
      'upgrade:2.0.0:succeeded',
      'install:3.0.0:failed',
      'install:3.0.1:succeeded',
      'upgrade:3.0.1:rolled-back',
      'rollback:1.0.0:succeeded',
    ]);
    await t.manager.shutdown();
  }, 60_000);

  it('lists history in the order actions began, even within one millisecond', async () => {
    const history = new UpgradeHistory(new MemoryStateStore(), () => new Date(0));
    for (let i = 0; i < 20; i++)
      await history.begin({ action: 'upgrade', driverId: ID, to: `1.0.${i}`, principal: 'ops' });
    expect((await history.list(ID)).map((r) => r.to)).toEqual(
      Array.from({ length: 20 }, (_, i) => `1.0.${i}`),
    );
  });

  it('a forced uninstall whose heir cannot start fails cleanly: recorded, nothing moved', async () => {
    let starts = 0;
    const loader = new FakeLoader();
    const serve = { provides: { 'storage.primary': { whoami: () => 'served' } } };
    loader.add('sf-1.0.0', fakeDescriptor(ID, '1.0.0'), serve);
    loader.add('sf-1.1.0', fakeDescriptor(ID, '1.1.0'), {
      ...serve,
      // Starts at install, fails its canary health check, then cannot start again.
      start: () => {
        if (starts++ > 0) throw new Error('injected: array gone');
      },
      health: () => ({ healthy: false }),
    });
    const resources = new ResourceRegistry<DriverHandle>();
    const manager = new DriverManager({
      lifecycle: new LifecycleManager(),
      resources,
      store: new MemoryStateStore(),
      loader,
    });
    await manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'ops');
    const resource: Resource = { id: 'pool-0', kind: 'pool', category: 'storage', driverId: ID };
    resources.add(resource, { driverId: ID, version: '1.0.0' }, manager.active(ID).handle);
    await manager.install({ kind: 'file', path: 'sf-1.1.0' }, 'ops');
    await expect(manager.upgrade(ID, { version: '1.1.0' }, 'ops')).rejects.toMatchObject({
      code: 'CHASSIS_E_UPGRADE_HEALTH_FAILED',
    });
    const finished: string[] = [];
    manager.upgrades$.subscribe((r) => finished.push(`${r.action}:${r.result}`));
    await expect(
      manager.uninstall(ID, { version: '1.0.0', force: true }, 'ops'),
    ).rejects.toMatchObject({ code: 'CHASSIS_E_UPGRADE_START_FAILED' });
    expect(finished).toEqual(['uninstall:failed']);
    expect((await manager.history(ID)).at(-1)).toMatchObject({
      action: 'uninstall',
      result: 'failed',
      error: { code: 'CHASSIS_E_UPGRADE_START_FAILED' },
    });
    expect(resources.get('pool-0').binding.version).toBe('1.0.0');
    expect(
      await resources
        .get('pool-0')
        .compartment.submit((h) =>
          h.invoke('storage.primary', 'whoami', { properties: {}, resource }, []),
        ),
    ).toBe('served');
    await manager.shutdown();
  });
});
