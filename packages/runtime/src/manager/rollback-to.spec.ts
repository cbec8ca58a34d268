import {
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

/** A manager with 1.0.0, 1.1.0 and 1.2.0 installed, two resources on 1.2.0 (active). */
async function onThreeVersions() {
  const loader = new FakeLoader();
  for (const v of ['1.0.0', '1.1.0', '1.2.0'])
    loader.add(`sf-${v}`, fakeDescriptor(ID, v), {
      provides: { 'storage.primary': { whoami: () => v } },
    });
  const store = new MemoryStateStore();
  const resources = new ResourceRegistry<DriverHandle>();
  const manager = new DriverManager({
    lifecycle: new LifecycleManager(),
    resources,
    store,
    loader,
    startTimeoutMs: 200,
    healthTimeoutMs: 200,
  });
  await manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'alice');
  for (const i of [0, 1]) {
    const resource: Resource = { id: `pool-${i}`, kind: 'pool', category: 'storage', driverId: ID };
    const binding = { driverId: ID, version: '1.0.0' };
    resources.add(resource, binding, manager.active(ID).handle);
    await store.put(`resources/${resource.id}`, { resource, binding }, 0);
  }
  for (const v of ['1.1.0', '1.2.0']) {
    await manager.install({ kind: 'file', path: `sf-${v}` }, 'alice');
    await manager.upgrade(ID, { version: v }, 'bob');
  }
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
  return { manager, whoami };
}

describe('DriverManager.rollback to a chosen kept version', () => {
  it('moves every resource to the chosen version, skipping the previous one', async () => {
    const t = await onThreeVersions();
    const rec = await t.manager.rollback(ID, 'carol', { to: '1.0.0' });
    expect(rec).toMatchObject({
      action: 'rollback',
      from: '1.2.0',
      to: '1.0.0',
      result: 'succeeded',
    });
    expect(await t.whoami('pool-0')).toBe('1.0.0');
    expect(await t.whoami('pool-1')).toBe('1.0.0');
    expect(t.manager.drivers.get(ID)!.record).toMatchObject({ active: '1.0.0', previous: '1.2.0' });
    // Without a target, a second rollback returns to the version the first one left.
    expect(await t.manager.rollback(ID, 'carol')).toMatchObject({ from: '1.0.0', to: '1.2.0' });
  });

  it('refuses a version that is not kept, naming the kept ones, and changes nothing', async () => {
    const t = await onThreeVersions();
    await expect(t.manager.rollback(ID, 'carol', { to: '0.9.0' })).rejects.toMatchObject({
      code: 'CHASSIS_E_UPGRADE_VERSION_NOT_KEPT',
      details: { driver: ID, version: '0.9.0', kept: ['1.2.0', '1.1.0', '1.0.0'] },
    });
    await expect(t.manager.rollback(ID, 'carol', { to: '1.2.0' })).rejects.toMatchObject({
      code: 'CHASSIS_E_UPGRADE_SAME_VERSION',
    });
    expect(await t.whoami('pool-0')).toBe('1.2.0');
    expect((await t.manager.history(ID)).map((r) => r.action)).not.toContain('rollback');
  });
});
