import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFixtureCar } from '../testing/driver-fixture.js';
import { createManagementServer, type ManagementServer } from './management-server.js';

const admin = { id: 'alice', roles: ['admin'] };
const ID = 'com.example.fixture';
const dirs: string[] = [];
const servers: ManagementServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop().catch(() => {});
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function boot(dataDir: string): Promise<ManagementServer> {
  const server = await createManagementServer({ dataDir });
  servers.push(server);
  await server.start();
  return server;
}

describe('force-uninstall of the active version', () => {
  it('persists the new binding: after a restart the resources serve on the heir with their configuration', async () => {
    const root = await mkdtemp(join(tmpdir(), 'chassis-force-'));
    dirs.push(root);
    const v1 = await buildFixtureCar(join(root, 'cars'), { id: ID, version: '1.0.0' });
    const v2 = await buildFixtureCar(join(root, 'cars'), { id: ID, version: '1.1.0' });
    const dataDir = join(root, 'data');
    const server = await boot(dataDir);
    const rt = server.runtime;
    await rt.install({ kind: 'file', path: v1 }, admin);
    await rt.createResource(
      {
        id: 'pool-1',
        kind: 'pool',
        driverId: ID,
        properties: { mVip: '10.0.0.7', password: 's3cret' },
      },
      admin,
    );
    await rt.install({ kind: 'file', path: v2 }, admin);
    await rt.uninstall(ID, { version: '1.0.0', force: true }, admin);
    expect(await rt.router.call('pool-1', 'storage.primary', 'whoami', [])).toBe('1.1.0');

    await server.stop();
    servers.splice(servers.indexOf(server), 1);
    const again = await boot(dataDir);
    expect(again.runtime.getResource('pool-1').binding).toEqual({ driverId: ID, version: '1.1.0' });
    expect(await again.runtime.router.call('pool-1', 'storage.primary', 'whoami', [])).toBe(
      '1.1.0',
    );
    expect(await again.runtime.router.call('pool-1', 'storage.primary', 'echo', [])).toMatchObject({
      mVip: '10.0.0.7',
    });
  }, 60_000);
});
