import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExtensionPoint, DEFAULT_KERNEL_CONFIG, type DriverHandle } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureCar } from '../testing/driver-fixture.js';
import { createManagementServer, type ManagementServer } from './management-server.js';

const admin = { id: 'alice', roles: ['admin'] };
const ID = 'com.example.fixture';
const props = { mVip: '10.0.0.1', password: 'hunter2' };

/**
 * Cluster mode seen from one server (found by the black-box cluster test): a resource placed
 * elsewhere keeps its version in use here. A partial move that takes this server's last local
 * resource off a non-active version must not unload that version while a resource owned by
 * another member is still bound to it: this server answers for that resource (its safe
 * operations are checked against the version's descriptor) and may become its owner at any
 * moment, which must not wait for a reload.
 */
describe('versions bound by resources placed elsewhere', () => {
  let root: string;
  let server: ManagementServer;
  const owned = new Set(['here', 'there']);
  const forwarded: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-placed-'));
    const repo = join(root, 'repo');
    await buildFixtureCar(repo, { id: ID, version: '1.0.0' });
    await buildFixtureCar(repo, { id: ID, version: '1.1.0' });
    server = await createManagementServer({
      dataDir: join(root, 'data'),
      sources: [`file:${repo}`],
      config: {
        ...DEFAULT_KERNEL_CONFIG,
        confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [ID] },
      },
      extensionPoints: [createExtensionPoint('storage.primary', '1.0.0', { safe: ['whoami'] })],
      placement: {
        owns: (id) => owned.has(id),
        // Stands for the forwarding handle: answers for the owner elsewhere.
        remoteHandle: (resource, binding) =>
          ({
            id: binding.driverId,
            version: binding.version,
            tier: 'process',
            invoke: async () => {
              forwarded.push(resource.id);
              return `forwarded ${binding.version}`;
            },
          }) as unknown as DriverHandle,
      },
    });
    await server.start();
    for (const id of owned)
      await server.runtime.createResource(
        { id, kind: 'pool', driverId: ID, properties: props },
        admin,
      );
  });
  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('a partial move back to the active version keeps the version a remote resource is bound to loaded', async () => {
    const rt = server.runtime;
    const state = (v: string) => rt.getDriver(ID).versions.find((x) => x.version === v)?.state;
    // Both on 1.1.0 while 1.0.0 stays active (what a cluster rollout's first moves leave).
    await rt.upgrade(ID, { version: '1.1.0', resources: ['here', 'there'] }, admin);
    // Another member takes "there" over; it stays bound to 1.1.0 there.
    owned.delete('there');
    await server.reconcile();
    expect(rt.resources.find('there'), 'no local compartment any more').toBeUndefined();
    // This server moves its own resource back (its part of a cluster rollback).
    await rt.upgrade(ID, { version: '1.0.0', resources: ['here'] }, admin);
    expect(rt.listResources().map((r) => [r.resource.id, r.binding.version])).toEqual([
      ['here', '1.0.0'],
      ['there', '1.1.0'],
    ]);
    expect(state('1.1.0')).toBe('Running');
    expect(rt.isRetired(ID, '1.1.0'), 'still bound elsewhere: not retired').toBe(false);
    // Answered for the remote resource: its operation is checked against 1.1.0 and forwarded.
    const test = await rt.testResource('there', { operation: 'whoami' }, admin);
    expect([test.ok, test.result]).toEqual([true, 'forwarded 1.1.0']);
    expect(forwarded).toEqual(['there']);
    // Ownership comes back: the resource opens on 1.1.0 at once.
    owned.add('there');
    await server.reconcile();
    expect(await rt.router.call('there', 'storage.primary', 'whoami', [])).toBe('1.1.0');
  });

  it('an uninstall of a version a resource placed elsewhere is bound to is refused, forced or not', async () => {
    const rt = server.runtime;
    owned.delete('there');
    await server.reconcile();
    const refused = (force: boolean) =>
      rt.uninstall(ID, { version: '1.1.0', force }, admin).then(
        () => 'uninstalled',
        (e: { code?: string; details?: { resources?: string[] } }) => [
          e.code,
          e.details?.resources,
        ],
      );
    // Not even forced: this server cannot move a resource another member owns.
    const answers = [await refused(false), await refused(true)];
    owned.add('there');
    await server.reconcile();
    for (const a of answers) expect(a).toEqual(['CHASSIS_E_UNINSTALL_BOUND', ['there']]);
    expect(rt.getDriver(ID).versions.map((v) => v.version)).toContain('1.1.0');
  });

  it('once no resource anywhere is bound to it, a non-active version is unloaded after a move', async () => {
    const rt = server.runtime;
    const state = (v: string) => rt.getDriver(ID).versions.find((x) => x.version === v)?.state;
    await rt.upgrade(ID, { version: '1.0.0', resources: ['there'] }, admin);
    expect(rt.listResources().every((r) => r.binding.version === '1.0.0')).toBe(true);
    expect(state('1.1.0')).not.toBe('Running');
    // Let go by choice (what a lock check counts as runnable), unlike a refused version.
    expect([rt.isRetired(ID, '1.1.0'), rt.isRetired(ID, '1.0.0')]).toEqual([true, false]);
    expect(rt.isRetired('com.example.absent', '1.0.0')).toBe(false);
    // The record a cluster upgrade plans from: the active version and the versions kept.
    const record = rt.driverRecord(ID);
    expect(record?.active).toBe(rt.getDriver(ID).activeVersion);
    expect(record?.versions.map((v) => v.version).sort()).toEqual(['1.0.0', '1.1.0']);
    expect(rt.driverRecord('com.example.absent')).toBeUndefined();
  });
});
