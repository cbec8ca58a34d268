import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { type CatalogOffer, createManagementServer, type ManagementServer } from '@chassis/runtime';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, createAdminServer } from '../server/create-admin-server.js';

const ID = 'com.example.fixture';
const TOKENS = { admin: 'rollback-admin-token-0123456789', viewer: 'rollback-viewer-token-012345' };
const as = (who: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[who]}` });

const offer = (version: string, compatible = true): CatalogOffer => ({
  id: ID,
  version,
  name: 'Fixture storage',
  vendor: 'Example Inc.',
  category: 'storage',
  description: `Fixture ${version}`,
  engines: { chassis: '^1.0.0' },
  provides: [{ point: 'storage.primary', version: '^1.0.0' }],
  signed: true,
  signer: { subject: 'CN=Example Inc.', issuer: 'CN=CA', fingerprint256: 'AB', validTo: 'x' },
  sha256: version.padEnd(64, '0'),
  length: 10,
  compatible,
});

/** Two real runtimes: one with 1.0.0 → 1.1.0 → 1.2.0 installed and a catalog source, one bare. */
describe('rollback to a chosen version and the catalog, over the real runtime', () => {
  let root: string;
  let server: ManagementServer;
  let bare: ManagementServer;
  let admin: AdminServer;
  let bareAdmin: AdminServer;
  const auth = {
    tokens: {
      [TOKENS.admin]: { id: 'alice', roles: ['admin'] },
      [TOKENS.viewer]: { id: 'vera', roles: ['viewer'] },
    },
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-admin-rollback-'));
    const src = join(root, 'src');
    await buildFixtureCar(src, { id: ID, version: '1.0.0' });
    const later = [
      await buildFixtureCar(join(root, 'v11'), { id: ID, version: '1.1.0' }),
      await buildFixtureCar(join(root, 'v12'), { id: ID, version: '1.2.0' }),
    ];
    const config = {
      ...DEFAULT_KERNEL_CONFIG,
      confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [ID] },
    };
    server = await createManagementServer({
      dataDir: join(root, 'data'),
      sources: [`file:${src}`],
      config,
      catalog: { offers: async () => [offer('1.0.0'), offer('1.3.0'), offer('2.0.0', false)] },
    });
    await server.start();
    bare = await createManagementServer({ dataDir: join(root, 'bare'), config });
    await bare.start();
    admin = createAdminServer({ runtime: server.runtime, auth, logger: false });
    bareAdmin = createAdminServer({ runtime: bare.runtime, auth, logger: false });
    const created = await admin.app.inject({
      method: 'POST',
      url: '/api/resources',
      headers: as('admin'),
      payload: {
        id: 'pool-1',
        kind: 'pool',
        driverId: ID,
        properties: { mVip: '10.0.0.1', password: 'hunter2' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    for (const [i, car] of later.entries()) {
      const up = await admin.app.inject({
        method: 'POST',
        url: '/api/drivers',
        headers: { ...as('admin'), 'content-type': 'application/octet-stream' },
        payload: await readFile(car),
      });
      expect(up.statusCode, up.body).toBe(201);
      const moved = await admin.app.inject({
        method: 'POST',
        url: `/api/drivers/${ID}/upgrade`,
        headers: as('admin'),
        payload: { version: `1.${i + 1}.0` },
      });
      expect(moved.statusCode, moved.body).toBe(200);
    }
  });
  afterAll(async () => {
    await admin?.close();
    await bareAdmin?.close();
    await server?.stop();
    await bare?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const whoami = () => server.runtime.router.call('pool-1', 'storage.primary', 'whoami', []);

  it('refuses a version that is not kept with the kept versions named, and moves nothing', async () => {
    const res = await admin.app.inject({
      method: 'POST',
      url: `/api/drivers/${ID}/rollback`,
      headers: as('admin'),
      payload: { to: '0.9.0' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      code: 'CHASSIS_E_UPGRADE_VERSION_NOT_KEPT',
      details: { driver: ID, version: '0.9.0', kept: ['1.2.0', '1.1.0', '1.0.0'] },
    });
    expect(res.json().message).toContain('1.2.0, 1.1.0, 1.0.0');
    const bad = await admin.app.inject({
      method: 'POST',
      url: `/api/drivers/${ID}/rollback`,
      headers: as('admin'),
      payload: { to: '' },
    });
    expect(bad.statusCode).toBe(400);
    expect(await whoami()).toBe('1.2.0');
  });

  it('rolls back to the chosen kept version past the previous one, then (no body) to the previous', async () => {
    const res = await admin.app.inject({
      method: 'POST',
      url: `/api/drivers/${ID}/rollback`,
      headers: as('admin'),
      payload: { to: '1.0.0' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ action: 'rollback', from: '1.2.0', to: '1.0.0' });
    expect(await whoami()).toBe('1.0.0');
    // An operator's client may send no body at all: the previous version (1.2.0) it is.
    const back = await admin.app.inject({
      method: 'POST',
      url: `/api/drivers/${ID}/rollback`,
      headers: as('admin'),
    });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ from: '1.0.0', to: '1.2.0' });
    expect(await whoami()).toBe('1.2.0');
  });

  it('searches the catalog and marks what is installed, for every role', async () => {
    const res = await admin.app.inject({ url: '/api/catalog?q=fixture', headers: as('viewer') });
    expect(res.statusCode, res.body).toBe(200);
    const [d] = res.json();
    expect(d).toMatchObject({ id: ID, latest: '1.3.0', installed: ['1.2.0', '1.1.0', '1.0.0'] });
    expect(
      d.versions.map((v: { version: string; installed: boolean }) => [v.version, v.installed]),
    ).toEqual([
      ['2.0.0', false],
      ['1.3.0', false],
      ['1.0.0', true],
    ]);
    expect(d.versions[1]).toMatchObject({ signed: true, signer: { subject: 'CN=Example Inc.' } });
    const none = await admin.app.inject({ url: '/api/catalog?q=nothing', headers: as('viewer') });
    expect(none.json()).toEqual([]);
    const one = await admin.app.inject({ url: `/api/catalog/${ID}`, headers: as('viewer') });
    expect(one.json()).toMatchObject({ id: ID, description: 'Fixture 2.0.0' });
    const missing = await admin.app.inject({ url: '/api/catalog/com.x.y', headers: as('viewer') });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('CHASSIS_E_REPO_DRIVER_NOT_FOUND');
  });

  it('says there is no catalog on a server without a repository', async () => {
    const res = await bareAdmin.app.inject({ url: '/api/catalog?q=', headers: as('viewer') });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('CHASSIS_E_REPO_NOT_FOUND');
    expect(res.json().message).toContain('No repository is configured');
  });
});
