import {
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
import type { Checkpoint } from './context.js';
import { DriverManager } from './driver-manager.js';
import type { DriverRecord } from './records.js';

const ID = 'com.example.sf';
const POOLS = ['pool-0', 'pool-1', 'pool-2'];

function cars(): FakeLoader {
  const loader = new FakeLoader();
  for (const v of ['1.0.0', '2.0.0'])
    loader.add(`sf-${v}`, fakeDescriptor(ID, v), {
      provides: { 'storage.primary': { whoami: () => v } },
    });
  return loader;
}

/** One server "process": its own lifecycle, registry and manager over the shared store. */
function server(store: MemoryStateStore, loader: FakeLoader, checkpoint?: Checkpoint) {
  const lifecycle = new LifecycleManager();
  const resources = new ResourceRegistry<DriverHandle>();
  const manager = new DriverManager({
    lifecycle,
    resources,
    store,
    loader,
    startTimeoutMs: 500,
    healthTimeoutMs: 500,
    ...(checkpoint ? { checkpoint } : {}),
  });
  return { lifecycle, resources, manager };
}

/** A checkpoint that freezes the action for good at its `n`-th step (a crash: nothing after it runs). */
function crashAt(n: number, seen: string[]): Checkpoint {
  let count = 0;
  return (step) => {
    seen.push(step);
    if (count++ === n) return new Promise<void>(() => {});
  };
}

async function records(store: MemoryStateStore) {
  const bindings = new Map(
    (await store.list<{ binding: ResourceBinding }>('resources/')).map((r) => [
      r.key.slice('resources/'.length),
      r.value.binding.version,
    ]),
  );
  const driver = (await store.get<DriverRecord>(`drivers/${ID}`))?.value;
  const history = (await store.list<UpgradeRecord>('history/')).map((r) => r.value);
  return { bindings, driver, history };
}

/** Boots a fresh server on the store as the runtime does: recover, restore, re-register resources. */
async function restart(store: MemoryStateStore, loader: FakeLoader) {
  const s = server(store, loader);
  const recovered = await s.manager.recover();
  const { bindings } = await records(store);
  const bound = new Map<string, Set<string>>([[ID, new Set(bindings.values())]]);
  await s.manager.restore(bound);
  for (const [id, version] of bindings) {
    const resource: Resource = { id, kind: 'pool', category: 'storage', driverId: ID };
    s.resources.add(
      resource,
      { driverId: ID, version },
      s.manager.drivers.get(ID)!.loaded.get(version)!.handle,
    );
  }
  return { ...s, recovered };
}

/** Installs 1.0.0 (active) and 2.0.0 beside it, with three resources on 1.0.0. */
async function prepared(store: MemoryStateStore, loader: FakeLoader, checkpoint: Checkpoint) {
  const s = server(store, loader, checkpoint);
  await s.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
  await s.manager.install({ kind: 'file', path: 'sf-2.0.0' }, 'alice');
  for (const id of POOLS) {
    const resource: Resource = { id, kind: 'pool', category: 'storage', driverId: ID };
    const binding = { driverId: ID, version: '1.0.0' };
    s.resources.add(resource, binding, s.manager.active(ID).handle);
    await store.put(`resources/${id}`, { resource, binding }, 0);
  }
  return s;
}

type Scenario = 'upgrade' | 'rollback' | 'uninstall';

async function run(
  scenario: Scenario,
  crashStep: number,
): Promise<{ store: MemoryStateStore; loader: FakeLoader; steps: string[] }> {
  const store = new MemoryStateStore();
  const loader = cars();
  const steps: string[] = [];
  let armed = false;
  const hook = crashAt(crashStep, steps);
  const s = await prepared(store, loader, (step, d) => (armed ? hook(step, d) : undefined));
  if (scenario === 'rollback')
    await s.manager.upgrade(ID, { version: '2.0.0', policy: { kind: 'all-at-once' } }, 'alice');
  armed = true;
  const action =
    scenario === 'uninstall'
      ? s.manager.uninstall(ID, { version: '1.0.0', force: true }, 'alice')
      : scenario === 'rollback'
        ? s.manager.rollback(ID, 'alice')
        : s.manager.upgrade(ID, { version: '2.0.0', policy: { kind: 'one-at-a-time' } }, 'alice');
  // Either the action froze at the crash point (the "process" died there) or it finished.
  await Promise.race([action, new Promise((r) => setTimeout(r, 50))]);
  return { store, loader, steps };
}

async function stepsOf(scenario: Scenario): Promise<number> {
  return (await run(scenario, Number.MAX_SAFE_INTEGER)).steps.length;
}

describe('start-up recovery of an interrupted action (a crash at every recorded step)', () => {
  for (const scenario of ['upgrade', 'rollback', 'uninstall'] as const) {
    it(`${scenario}: every resource ends on the active version and the record is closed`, async () => {
      const total = await stepsOf(scenario);
      expect(total).toBeGreaterThanOrEqual(scenario === 'upgrade' ? 1 + 3 * POOLS.length + 1 : 3);
      const outcomes = new Set<string>();
      for (let k = 0; k < total; k++) {
        const { store, loader, steps } = await run(scenario, k);
        const before = await records(store);
        expect(
          before.history.filter((h) => h.result === 'running'),
          `${scenario} crashed at step ${k} (${steps[k]}) leaves one running record`,
        ).toHaveLength(1);

        const s = await restart(store, loader);
        const after = await records(store);
        const where = `${scenario} crashed at step ${k} (${steps[k]})`;
        expect(s.recovered, where).toHaveLength(1);
        const rec = s.recovered[0]!;
        expect(rec.result).toBe('interrupted');
        expect(rec.finishedAt).toBeDefined();
        outcomes.add(rec.recovery!.outcome);
        expect(
          after.history.filter((h) => h.result === 'running'),
          where,
        ).toEqual([]);
        // One consistent version: every resource on the driver's active version.
        const active = after.driver!.active!;
        expect(rec.recovery!.active).toBe(active);
        expect(new Set(after.bindings.values()), where).toEqual(new Set([active]));
        expect([...after.bindings.keys()].sort()).toEqual(POOLS);
        expect(after.driver!.versions.map((v) => v.version)).toContain(active);
        // The served version is the persisted one, and it answers.
        for (const id of POOLS) {
          const e = s.resources.get(id);
          expect(e.binding.version).toBe(active);
          await expect(
            e.compartment.submit((h) =>
              h.invoke('storage.primary', 'whoami', { properties: {}, resource: e.resource }, []),
            ),
          ).resolves.toBe(active);
        }
        expect(s.lifecycle.get(ID, active)?.state).toBe('Running');
        // A second start finds nothing left to recover.
        expect(await server(store, loader).manager.recover()).toEqual([]);
        await s.manager.shutdown();
      }
      // Early crashes return to the old state; late ones finish.
      expect(outcomes).toEqual(new Set(['rolled-back', 'completed']));
    }, 60_000);
  }

  it('without recovery the split stays (positive control)', async () => {
    const { store } = await run('upgrade', 1 + 3); // the first resource moved and recorded
    const { bindings, history } = await records(store);
    expect(new Set(bindings.values())).toEqual(new Set(['1.0.0', '2.0.0']));
    expect(history.at(-1)?.result).toBe('running');
  });
});
