import {
  type DriverDefinition,
  type DriverHandle,
  LifecycleManager,
  MemoryStateStore,
  type Resource,
  ResourceRegistry,
} from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { FakeLoader, fakeDescriptor } from '../testing/fake-loader.js';
import { DriverManager } from './driver-manager.js';

const ID = 'com.example.sf';

function versionDef(version: string, extra: Partial<DriverDefinition> = {}): DriverDefinition {
  return { provides: { 'storage.primary': { whoami: () => version } }, ...extra };
}

function setup(defs: Record<string, Partial<DriverDefinition>> = {}) {
  const loader = new FakeLoader();
  for (const v of ['1.0.0', '1.1.0', '1.2.0'])
    loader.add(`sf-${v}`, fakeDescriptor(ID, v), versionDef(v, defs[v]));
  const store = new MemoryStateStore();
  const lifecycle = new LifecycleManager();
  const resources = new ResourceRegistry<DriverHandle>();
  const manager = new DriverManager({
    lifecycle,
    resources,
    store,
    loader,
    startTimeoutMs: 200,
    healthTimeoutMs: 200,
    migrateTimeoutMs: 200,
  });
  const events: string[] = [];
  lifecycle.lifecycle$.subscribe((e) => events.push(`${e.version}:${e.to}`));
  const addResources = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const resource: Resource = {
        id: `pool-${i}`,
        kind: 'primary-storage-pool',
        category: 'storage',
        driverId: ID,
      };
      const version = manager.drivers.get(ID)!.record.active!;
      resources.add(resource, { driverId: ID, version }, manager.active(ID).handle);
      await store.put(
        `resources/${resource.id}`,
        { resource, binding: { driverId: ID, version } },
        0,
      );
    }
  };
  const whoami = (id: string) =>
    resources
      .get(id)
      .compartment.submit((h) =>
        h.invoke(
          'storage.primary',
          'whoami',
          { properties: {}, resource: resources.get(id).resource },
          [],
        ),
      );
  return { loader, store, lifecycle, resources, manager, events, addResources, whoami };
}

describe('DriverManager', () => {
  it('installs a driver through the whole lifecycle and persists it', async () => {
    const t = setup();
    const rec = await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
    expect(rec).toMatchObject({
      action: 'install',
      result: 'succeeded',
      to: '1.0.0',
      principal: 'alice',
    });
    expect(t.events).toEqual([
      '1.0.0:Verified',
      '1.0.0:Resolved',
      '1.0.0:Loaded',
      '1.0.0:Starting',
      '1.0.0:Running',
    ]);
    expect((await t.store.get<{ active: string }>(`drivers/${ID}`))?.value.active).toBe('1.0.0');
    await expect(
      t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice'),
    ).rejects.toMatchObject({ code: 'CHASSIS_E_UPGRADE_SAME_VERSION' });
  });

  it('keeps several versions loaded; upgrade moves resources one at a time and unloads the old one', async () => {
    const t = setup();
    await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
    await t.addResources(3);
    await t.manager.install({ kind: 'file', path: 'sf-1.1.0' }, 'alice');
    expect([...t.manager.drivers.get(ID)!.loaded.keys()].sort()).toEqual(['1.0.0', '1.1.0']);
    expect(await t.whoami('pool-0')).toBe('1.0.0');
    const rec = await t.manager.upgrade(ID, { version: '1.1.0' }, 'bob');
    expect(rec.result).toBe('succeeded');
    expect(rec.resources.map((r) => r.id)).toEqual(['pool-0', 'pool-1', 'pool-2']);
    for (const id of ['pool-0', 'pool-1', 'pool-2']) expect(await t.whoami(id)).toBe('1.1.0');
    expect(t.lifecycle.state(ID, '1.0.0')).toBe('Unloaded');
    expect(t.loader.handles[0]?.disposed).toBe(true);
    expect(t.events.filter((e) => e.startsWith('1.0.0:Suspended')).length).toBe(3);
    expect(
      (await t.store.get<{ binding: { version: string } }>('resources/pool-1'))?.value.binding
        .version,
    ).toBe('1.1.0');
    expect((await t.manager.history(ID)).map((r) => r.action)).toEqual([
      'install',
      'install',
      'upgrade',
    ]);
  });

  it('rolls back automatically when the new version fails its health check (canary)', async () => {
    const t = setup({
      '1.1.0': { health: () => ({ healthy: false, detail: 'array unreachable' }) },
    });
    await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
    await t.addResources(4);
    await t.manager.install({ kind: 'file', path: 'sf-1.1.0' }, 'alice');
    const err = await t.manager
      .upgrade(ID, { version: '1.1.0', policy: { kind: 'canary', canaries: 1 } }, 'bob')
      .catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED');
    expect(err.record.result).toBe('rolled-back');
    for (const id of ['pool-0', 'pool-1', 'pool-2', 'pool-3'])
      expect(await t.whoami(id)).toBe('1.0.0');
    expect(t.manager.drivers.get(ID)!.record.active).toBe('1.0.0');
    expect(t.lifecycle.state(ID, '1.1.0')).toBe('Unloaded');
    expect(
      (await t.store.get<{ binding: { version: string } }>('resources/pool-0'))?.value.binding
        .version,
    ).toBe('1.0.0');
  });

  it('concurrent installs of one driver: one wins, the other is refused and leaks nothing', async () => {
    const t = setup();
    const results = await Promise.allSettled([
      t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice'),
      t.manager.install({ kind: 'file', path: 'sf-1.1.0' }, 'bob'),
      t.manager.install({ kind: 'file', path: 'sf-1.2.0' }, 'carol'),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(2);
    for (const r of lost)
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'CHASSIS_E_UPGRADE_IN_PROGRESS',
      });
    const winner = (won[0] as PromiseFulfilledResult<{ to?: string }>).value.to;
    // Only the winner's environment is alive, and no lifecycle entry is left at `Loaded`.
    expect(t.loader.handles.filter((h) => !h.disposed)).toHaveLength(1);
    for (const v of ['1.0.0', '1.1.0', '1.2.0']) {
      const state = t.lifecycle.get(ID, v)?.state;
      if (v === winner) expect(state).toBe('Running');
      else expect(state === undefined || state === 'Unloaded').toBe(true);
    }
    // The lock is released: a later install goes through.
    const next = ['1.0.0', '1.1.0', '1.2.0'].find((v) => v !== winner)!;
    await t.manager.install({ kind: 'file', path: `sf-${next}` }, 'alice');
  });

  it('a version whose start fails is never bound and the install is recorded as failed', async () => {
    const t = setup({
      '1.1.0': {
        start: () => {
          throw new Error('boom');
        },
      },
    });
    await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
    const err = await t.manager
      .install({ kind: 'file', path: 'sf-1.1.0' }, 'alice')
      .catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_UPGRADE_START_FAILED');
    expect(t.lifecycle.state(ID, '1.1.0')).toBe('Unloaded');
    expect(t.manager.drivers.get(ID)!.record.versions.map((v) => v.version)).toEqual(['1.0.0']);
    expect((await t.manager.history(ID)).at(-1)?.result).toBe('failed');
  });

  it('refuses a contract major change the new version does not declare', async () => {
    const t = setup();
    t.loader.add(
      'sf-2.0.0',
      fakeDescriptor(ID, '2.0.0', { provides: [{ point: 'storage.primary', version: '^2.0.0' }] }),
      versionDef('2.0.0'),
    );
    await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
    await t.addResources(1);
    await t.manager.install({ kind: 'file', path: 'sf-2.0.0' }, 'alice');
    await expect(t.manager.upgrade(ID, { version: '2.0.0' }, 'bob')).rejects.toMatchObject({
      code: 'CHASSIS_E_UPGRADE_CONTRACT_MAJOR',
    });
    expect(await t.whoami('pool-0')).toBe('1.0.0');
  });

  it('rolls back explicitly to the previous version, reloading it, and passes state to migrate', async () => {
    const seen: unknown[] = [];
    const t = setup({
      '1.0.0': {
        migrate: (from, state) => {
          seen.push([from, state]);
          return { migratedFrom: from };
        },
      },
    });
    await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
    await expect(t.manager.rollback(ID, 'bob')).rejects.toMatchObject({
      code: 'CHASSIS_E_UPGRADE_NO_PREVIOUS',
    });
    await t.addResources(2);
    await t.manager.install({ kind: 'file', path: 'sf-1.1.0' }, 'alice');
    await t.manager.upgrade(ID, { version: '1.1.0', policy: { kind: 'all-at-once' } }, 'bob');
    const rec = await t.manager.rollback(ID, 'bob');
    expect(rec).toMatchObject({
      action: 'rollback',
      from: '1.1.0',
      to: '1.0.0',
      result: 'succeeded',
    });
    expect(await t.whoami('pool-1')).toBe('1.0.0');
    expect(seen).toEqual([
      ['1.1.0', null],
      ['1.1.0', null],
    ]);
    expect((await t.store.get<{ state: unknown }>('resources/pool-0'))?.value.state).toEqual({
      migratedFrom: '1.1.0',
    });
  });

  it('a migrate that overruns its deadline is aborted and the upgrade rolls back', async () => {
    let aborted: unknown;
    const t = setup({
      '1.1.0': {
        // Hangs until the upgrade's deadline aborts it.
        migrate: (_from, _state, ctx) =>
          new Promise((_resolve, reject) =>
            ctx.signal.addEventListener('abort', () => {
              aborted = ctx.signal.reason;
              reject(ctx.signal.reason);
            }),
          ),
      },
    });
    await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
    await t.addResources(1);
    await t.manager.install({ kind: 'file', path: 'sf-1.1.0' }, 'alice');
    const err = await t.manager.upgrade(ID, { version: '1.1.0' }, 'bob').catch((e) => e);
    expect(err).toMatchObject({ code: 'CHASSIS_E_UPGRADE_MIGRATE_FAILED' });
    expect(err.record).toMatchObject({ result: 'rolled-back' });
    expect(aborted).toMatchObject({ code: 'CHASSIS_E_EXEC_TIMEOUT' });
    expect(await t.whoami('pool-0')).toBe('1.0.0');
  });

  it('uninstall refuses while resources are bound, force moves them to another version', async () => {
    const t = setup();
    await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
    await t.addResources(2);
    await expect(t.manager.uninstall(ID, {}, 'bob')).rejects.toMatchObject({
      code: 'CHASSIS_E_UNINSTALL_BOUND',
    });
    await t.manager.install({ kind: 'file', path: 'sf-1.1.0' }, 'alice');
    await expect(t.manager.uninstall(ID, { version: '1.0.0' }, 'bob')).rejects.toMatchObject({
      code: 'CHASSIS_E_UNINSTALL_BOUND',
    });
    await t.manager.uninstall(ID, { version: '1.0.0', force: true }, 'bob');
    expect(await t.whoami('pool-0')).toBe('1.1.0');
    expect(t.manager.drivers.get(ID)!.record.active).toBe('1.1.0');
    await Promise.all(['pool-0', 'pool-1'].map((id) => t.resources.remove(id)));
    await t.manager.uninstall(ID, {}, 'bob');
    expect(t.manager.drivers.has(ID)).toBe(false);
    expect(await t.store.get(`drivers/${ID}`)).toBeUndefined();
  });

  it('restores installed drivers after a restart and restarts a version in place', async () => {
    const t = setup();
    await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
    const lifecycle = new LifecycleManager();
    const again = new DriverManager({
      lifecycle,
      resources: new ResourceRegistry(),
      store: t.store,
      loader: t.loader,
    });
    await again.restore();
    expect(lifecycle.state(ID, '1.0.0')).toBe('Running');
    await again.restart(ID);
    expect(lifecycle.state(ID, '1.0.0')).toBe('Running');
    await again.shutdown();
    expect(lifecycle.state(ID, '1.0.0')).toBe('Unloaded');
  });

  it('allows one action per driver at a time', async () => {
    const t = setup();
    await t.manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
    await t.manager.install({ kind: 'file', path: 'sf-1.1.0' }, 'alice');
    await t.addResources(2);
    const first = t.manager.upgrade(ID, { version: '1.1.0' }, 'bob');
    await expect(t.manager.rollback(ID, 'bob')).rejects.toMatchObject({
      code: 'CHASSIS_E_UPGRADE_IN_PROGRESS',
    });
    await first;
  });
});
