import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createExtensionPoint } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureCar, defaultDriverSource } from '../testing/driver-fixture.js';
import { type FixtureServer, fixtureServer } from '../testing/fixture-server.js';
import type { ManagementServer } from './management-server.js';

const admin = { id: 'alice', roles: ['admin'] };
const ID = 'com.example.fixture';
const props = { mVip: '10.0.0.1', password: 'hunter2' };
// `hold` stays in flight until the test calls the function it leaves on globalThis.
const holdSource = (version: string) =>
  defaultDriverSource(version).replace(
    'whoami:',
    'hold: () => new Promise((r) => { globalThis.__fixtureRelease = r; }),\n      whoami:',
  );
const release = () => (globalThis as { __fixtureRelease?: () => void }).__fixtureRelease?.();

describe('resource lifecycle and upgrade plans (real runtime)', () => {
  let fixture: FixtureServer;
  let server: ManagementServer;
  let v3: string;

  beforeAll(async () => {
    fixture = await fixtureServer({
      repo: ['1.0.0', '1.1.0'].map((version) => ({ id: ID, version, source: holdSource(version) })),
      // Trusted, so the fixture runs in-process and the test can release `hold`.
      trusted: [ID],
      extensionPoints: [createExtensionPoint('storage.primary', '1.0.0', { safe: ['whoami'] })],
    });
    server = fixture.server;
    // 1.2.0 needs a property no configuration has yet: a plan must say so.
    v3 = await buildFixtureCar(join(fixture.root, 'later'), {
      id: ID,
      version: '1.2.0',
      extraProperties: ['{ key: zone, labelKey: fx.mvip.label, type: string, required: true }'],
    });
    for (const id of ['pool-a', 'pool-b', 'pool-c'])
      await server.runtime.createResource(
        { id, kind: 'pool', driverId: ID, properties: props },
        admin,
      );
  });
  afterAll(async () => {
    release();
    await fixture?.close();
  });

  it('lists resources with filters on driver, version and state', () => {
    const rt = server.runtime;
    expect(rt.listResources({ version: '1.0.0' }).map((r) => r.resource.id)).toEqual([
      'pool-a',
      'pool-b',
      'pool-c',
    ]);
    expect(rt.listResources({ version: '9.9.9' })).toEqual([]);
    expect(rt.listResources({ driverId: 'other' })).toEqual([]);
    expect(rt.listResources({ state: 'active' })).toHaveLength(3);
  });

  it('plans an upgrade without moving anything: steps, moves, checks', async () => {
    const rt = server.runtime;
    const plan = await rt.planUpgrade(ID, { version: '1.1.0' });
    expect(plan).toMatchObject({
      from: '1.0.0',
      to: '1.1.0',
      policy: { kind: 'one-at-a-time' },
      activeAfter: '1.1.0',
      configuration: { ok: true, invalid: [] },
      contract: { ok: true },
      signer: { changed: false },
      ok: true,
    });
    expect(plan.steps.map((s) => s.resources)).toEqual([['pool-a'], ['pool-b'], ['pool-c']]);
    const canary = await rt.planUpgrade(ID, {
      version: '1.1.0',
      policy: { kind: 'canary', canaries: 1 },
    });
    expect(canary.steps.map((s) => s.resources)).toEqual([['pool-a'], ['pool-b', 'pool-c']]);
    expect(rt.listResources({ version: '1.0.0' })).toHaveLength(3);
  });

  it('moves a subset (mixed versions), pins a resource and leaves it on whole upgrades', async () => {
    const rt = server.runtime;
    const subset = await rt.planUpgrade(ID, { version: '1.1.0', resources: ['pool-b'] });
    expect(subset.activeAfter).toBe('1.0.0');
    expect(subset.resources).toEqual([{ id: 'pool-b', from: '1.0.0', to: '1.1.0' }]);
    await rt.upgrade(ID, { version: '1.1.0', resources: ['pool-b'] }, admin);
    expect(rt.getResource('pool-b').binding.version).toBe('1.1.0');
    expect(rt.getDriver(ID).activeVersion).toBe('1.0.0');
    expect(await rt.testResource('pool-b', { operation: 'whoami' }, admin)).toMatchObject({
      ok: true,
      version: '1.1.0',
      result: '1.1.0',
    });

    const mixed = await rt
      .upgrade(ID, { version: '1.1.0', resources: ['pool-a', 'pool-b'] }, admin)
      .catch((e) => e);
    expect(mixed.code).toBe('CHASSIS_E_UPGRADE_MIXED_SOURCES');

    const pinned = await rt.pinResource('pool-a', '1.0.0', admin);
    expect(pinned.pinned).toBe(true);
    const plan = await rt.planUpgrade(ID, { version: '1.1.0' });
    expect(plan.resources.map((r) => r.id)).toEqual(['pool-c']);
    await rt.upgrade(ID, { version: '1.1.0' }, admin);
    expect(rt.getResource('pool-a').binding.version).toBe('1.0.0');
    expect(rt.getResource('pool-c').binding.version).toBe('1.1.0');
    expect(rt.getDriver(ID).activeVersion).toBe('1.1.0');
    // Pinned back up to the active version, then released.
    await rt.pinResource('pool-a', '1.1.0', admin);
    expect(rt.getResource('pool-a').binding.version).toBe('1.1.0');
    expect((await rt.pinResource('pool-a', null, admin)).pinned).toBeUndefined();
  });

  it('reports a configuration that does not fit the target version in the plan', async () => {
    const rt = server.runtime;
    await rt.install({ kind: 'file', path: v3 }, admin);
    const plan = await rt.planUpgrade(ID, { version: '1.2.0' });
    expect(plan.ok).toBe(false);
    expect(plan.configuration.invalid.map((f) => f.resource)).toEqual([
      'pool-a',
      'pool-b',
      'pool-c',
    ]);
    expect(JSON.stringify(plan.configuration.invalid[0]?.violations)).toContain('zone');
    const unknown = await rt.planUpgrade(ID, { version: '7.0.0' }).catch((e) => e);
    expect(unknown.code).toBe('CHASSIS_E_UPGRADE_NOT_INSTALLED');
  });

  it('tests a resource with the health check, refuses an operation not marked read-only', async () => {
    const rt = server.runtime;
    const health = await rt.testResource('pool-c', {}, admin);
    expect(health).toMatchObject({ resource: 'pool-c', operation: 'health', ok: true });
    const unsafe = await rt.testResource('pool-c', { operation: 'echo' }, admin).catch((e) => e);
    expect(unsafe.code).toBe('CHASSIS_E_RESOURCE_OP_NOT_SAFE');
    expect(unsafe.details.allowed).toEqual(['storage.primary.whoami']);
  });

  it('refuses to delete a busy resource unless forced, and removes its record and secrets', async () => {
    const rt = server.runtime;
    const call = server.runtime.router.call('pool-c', 'storage.primary', 'hold', []);
    await expect.poll(() => server.runtime.resources.get('pool-c').compartment.busy).toBe(true);
    const busy = await rt.deleteResource('pool-c', {}, admin).catch((e) => e);
    expect(busy.code).toBe('CHASSIS_E_RESOURCE_BUSY');
    expect(rt.getResource('pool-c').resource.id).toBe('pool-c');
    const forced = rt.deleteResource('pool-c', { force: true }, admin);
    release();
    await call;
    await forced;
    expect(rt.listResources().map((r) => r.resource.id)).toEqual(['pool-a', 'pool-b']);
    expect(() => rt.getResource('pool-c')).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_RESOURCE_NOT_FOUND' }),
    );
    const files = await readdir(join(fixture.root, 'data', 'state'), { recursive: true });
    expect(files.filter((f) => String(f).includes('pool-c'))).toEqual([]);
    expect(files.some((f) => String(f).includes('pool-a'))).toBe(true);
  });
});
