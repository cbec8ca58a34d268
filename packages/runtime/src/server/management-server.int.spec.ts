import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFixtureCar } from '../testing/driver-fixture.js';
import { createManagementServer, type ManagementServer } from './management-server.js';

const admin = { id: 'alice', roles: ['admin'] };
const ID = 'com.example.fixture';
const dirs: string[] = [];
const servers: ManagementServer[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'chassis-server-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop().catch(() => {});
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function boot(dataDir: string, sources: string[] = []): Promise<ManagementServer> {
  const server = await createManagementServer({ dataDir, sources });
  servers.push(server);
  await server.start();
  return server;
}

describe('createManagementServer (embedded defaults)', () => {
  it('installs CARs found in a directory source, routes calls, validates configuration, survives a restart', async () => {
    const root = await tmp();
    const sources = join(root, 'repo');
    await buildFixtureCar(sources, { id: ID, version: '1.0.0' });
    const dataDir = join(root, 'data');
    const server = await boot(dataDir, [`file:${sources}`]);
    const rt = server.runtime;
    expect(rt.listDrivers().map((d) => [d.id, d.activeVersion, d.versions[0]?.state])).toEqual([
      [ID, '1.0.0', 'Running'],
    ]);

    const bad = await rt
      .createResource(
        {
          id: 'pool-1',
          kind: 'pool',
          driverId: ID,
          properties: { mVip: 'x'.repeat(16), mPort: 'nope' },
        },
        admin,
      )
      .catch((e) => e);
    expect(bad.code).toBe('CHASSIS_E_PROPS_INVALID');
    expect(
      bad.details.violations.map((v: { key: string; rule: string }) => `${v.key}:${v.rule}`).sort(),
    ).toEqual(['mPort:type', 'mVip:maxLength', 'password:required']);
    expect(rt.listResources()).toEqual([]);

    const info = await rt.createResource(
      {
        id: 'pool-1',
        kind: 'pool',
        driverId: ID,
        properties: { mVip: '10.0.0.1', password: 's3cret' },
      },
      admin,
    );
    expect(info.configuration).toMatchObject({ mVip: '10.0.0.1', mPort: 443 });
    expect(info.configuration.password).not.toBe('s3cret');
    const echoed = await rt.router.call<{ mVip: string; label: string }>(
      'pool-1',
      'storage.primary',
      'echo',
      [1, 'a'],
    );
    expect(echoed).toEqual({
      args: [1, 'a'],
      mVip: '10.0.0.1',
      resource: 'pool-1',
      label: 'Management VIP',
    });

    await expect(rt.configure('pool-1', { mVip: 'y'.repeat(40) }, admin)).rejects.toMatchObject({
      code: 'CHASSIS_E_PROPS_INVALID',
    });
    expect(rt.getResource('pool-1').configuration.mVip).toBe('10.0.0.1');

    // No secret in clear anywhere in the state directory.
    for (const f of await readdir(join(dataDir, 'state'))) {
      expect(await readFile(join(dataDir, 'state', f), 'utf8')).not.toContain('s3cret');
    }

    await server.stop();
    servers.splice(servers.indexOf(server), 1);
    const again = await boot(dataDir, [`file:${sources}`]);
    expect(again.runtime.listDrivers()[0]?.versions[0]?.state).toBe('Running');
    expect(await again.runtime.router.call('pool-1', 'storage.primary', 'echo', [])).toMatchObject({
      mVip: '10.0.0.1',
    });
  });

  it('upgrades in place from a CAR file and keeps the old CAR for rollback', async () => {
    const root = await tmp();
    const v1 = await buildFixtureCar(join(root, 'cars'), { id: ID, version: '1.0.0' });
    const v2 = await buildFixtureCar(join(root, 'cars'), { id: ID, version: '1.1.0' });
    const locks: string[][] = [];
    const server = await createManagementServer({
      dataDir: join(root, 'data'),
      onInstalledChange: (installed) => {
        locks.push(installed.map((d) => `${d.id}@${d.version}`));
      },
    });
    servers.push(server);
    await server.start();
    const rt = server.runtime;
    await rt.install({ kind: 'file', path: v1 }, admin);
    await rt.createResource(
      { id: 'pool-1', kind: 'pool', driverId: ID, properties: { mVip: '10.0.0.1', password: 'x' } },
      admin,
    );
    await rt.install({ kind: 'file', path: v2 }, admin);
    await rm(v1);
    const rec = await rt.upgrade(
      ID,
      { version: '1.1.0', policy: { kind: 'one-at-a-time' } },
      admin,
    );
    expect(rec.result).toBe('succeeded');
    expect(await rt.router.call('pool-1', 'storage.primary', 'whoami', [])).toBe('1.1.0');
    await rt.rollback(ID, admin);
    expect(await rt.router.call('pool-1', 'storage.primary', 'whoami', [])).toBe('1.0.0');
    expect(rt.upgradeHistory(ID).map((r) => `${r.action}:${r.result}`)).toEqual([
      'install:succeeded',
      'install:succeeded',
      'upgrade:succeeded',
      'rollback:succeeded',
    ]);
    await expect(
      rt.install({ kind: 'file', path: join(root, 'missing.car') }, admin),
    ).rejects.toMatchObject({ code: 'CHASSIS_E_CAR_NOT_FOUND' });
    // Every successful change reported the installed set (for an install lock).
    expect(locks).toHaveLength(4);
    expect(locks.at(-1)).toEqual([`${ID}@1.0.0`, `${ID}@1.1.0`]);
    // Uninstalling a version releases its extracted CAR from the cache.
    const cacheDir = join(root, 'data', 'cache');
    const cached = async () => (await readdir(cacheDir)).filter((n) => /^[0-9a-f]{64}$/.test(n));
    expect(await cached()).toHaveLength(2);
    await rt.uninstall(ID, { version: '1.1.0' }, admin);
    await expect.poll(async () => (await cached()).length, { timeout: 10_000 }).toBe(1);
    expect(locks.at(-1)).toEqual([`${ID}@1.0.0`]);
  });

  it('installs scanned CARs in kernel order (category, then dependencies), not listing order', async () => {
    const root = await tmp();
    const repo = join(root, 'repo');
    await buildFixtureCar(repo, {
      id: 'com.example.aaa-hv',
      version: '1.0.0',
      category: 'hypervisor',
      point: 'hypervisor',
    });
    await buildFixtureCar(repo, {
      id: 'com.example.bbb-st',
      version: '1.0.0',
      requires: [{ id: 'com.example.ccc-st', version: '^1.0.0' }],
    });
    await buildFixtureCar(repo, { id: 'com.example.ccc-st', version: '1.0.0' });
    await buildFixtureCar(repo, {
      id: 'com.example.zzz-net',
      version: '1.0.0',
      category: 'network',
      point: 'network.device',
    });
    const server = await createManagementServer({
      dataDir: join(root, 'data'),
      sources: [`file:${repo}`],
    });
    servers.push(server);
    const running: string[] = [];
    const stopped: string[] = [];
    server.runtime.lifecycle$.subscribe((e) => {
      if (e.to === 'Running') running.push(e.driver);
      if (e.to === 'Stopped') stopped.push(e.driver);
    });
    await server.start();
    expect(running).toEqual([
      'com.example.zzz-net',
      'com.example.ccc-st',
      'com.example.bbb-st',
      'com.example.aaa-hv',
    ]);
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
    expect(stopped).toEqual([...running].reverse());
  });

  it('refuses to move resources whose configuration does not fit the new version; defaults of a new version apply', async () => {
    const root = await tmp();
    const cars = join(root, 'cars');
    const v1 = await buildFixtureCar(cars, { id: ID, version: '1.0.0' });
    const strict = await buildFixtureCar(cars, {
      id: ID,
      version: '1.1.0',
      extraProperties: ['{ key: tenant, labelKey: fx.mport.label, type: string, required: true }'],
    });
    const lenient = await buildFixtureCar(cars, {
      id: ID,
      version: '1.2.0',
      extraProperties: ['{ key: zone, labelKey: fx.mport.label, type: string, default: zone-a }'],
    });
    const server = await boot(join(root, 'data'));
    const rt = server.runtime;
    await rt.install({ kind: 'file', path: v1 }, admin);
    for (const id of ['pool-1', 'pool-2']) {
      await rt.createResource(
        { id, kind: 'pool', driverId: ID, properties: { mVip: '10.0.0.1', password: 'x' } },
        admin,
      );
    }
    await rt.install({ kind: 'file', path: strict }, admin);
    const err = await rt
      .upgrade(ID, { version: '1.1.0', policy: { kind: 'all-at-once' } }, admin)
      .catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_PROPS_INVALID');
    expect(err.details.resources.map((r: { resource: string }) => r.resource)).toEqual([
      'pool-1',
      'pool-2',
    ]);
    expect(err.record.result).toBe('failed');
    expect(await rt.router.call('pool-1', 'storage.primary', 'whoami', [])).toBe('1.0.0');
    await rt.install({ kind: 'file', path: lenient }, admin);
    await rt.upgrade(ID, { version: '1.2.0' }, admin);
    expect(await rt.router.call('pool-2', 'storage.primary', 'echo', [])).toMatchObject({
      zone: 'zone-a',
      mVip: '10.0.0.1',
    });
    expect(rt.getResource('pool-2').configuration).toMatchObject({ zone: 'zone-a' });
  });

  it('restarts a worker-tier driver whose environment crashed, following the backoff policy', async () => {
    const root = await tmp();
    const source = `export default {
  provides: {
    'storage.primary': {
      whoami: () => 'pid-' + process.pid,
      crash: () => process.exit(3),
    },
  },
};
`;
    const car = await buildFixtureCar(join(root, 'cars'), {
      id: ID,
      version: '1.0.0',
      isolation: 'worker',
      source,
    });
    const server = await createManagementServer({
      dataDir: join(root, 'data'),
      restartPolicy: { nextDelay: (attempt: number) => (attempt <= 2 ? 20 : null) },
    });
    servers.push(server);
    await server.start();
    const rt = server.runtime;
    const states: string[] = [];
    rt.lifecycle$.subscribe((e) => states.push(e.to));
    await rt.install({ kind: 'file', path: car }, admin);
    await rt.createResource(
      { id: 'pool-1', kind: 'pool', driverId: ID, properties: { mVip: '10.0.0.1', password: 'x' } },
      admin,
    );
    const crash = await rt.router.call('pool-1', 'storage.primary', 'crash', []).then(
      () => ({ code: 'resolved' }),
      (e: { code: string }) => e,
    );
    expect(crash.code).toBe('CHASSIS_E_LOADER_DRIVER_CRASHED');
    await expect
      .poll(() => rt.getDriver(ID).versions[0]?.state, { timeout: 10_000 })
      .toBe('Running');
    expect(states).toContain('Failed');
    expect(states.slice(states.lastIndexOf('Failed'))).toEqual([
      'Failed',
      'Unloaded',
      'Verified',
      'Resolved',
      'Loaded',
      'Starting',
      'Running',
    ]);
    expect(await rt.router.call('pool-1', 'storage.primary', 'whoami', [])).toMatch(/^pid-/);
  });
});
