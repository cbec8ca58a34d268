import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KERNEL_CONFIG, SECRET_MASK } from '@chassis/kernel';
import { createManagementServer, type ManagementServer } from '@chassis/runtime';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, createAdminServer } from './create-admin-server.js';
import { as, TOKENS } from './test-server.js';

/**
 * What an operator sees through the admin API, over the real composed runtime (real loader,
 * directory state store, fixture CARs): reads, configuration, upgrade and roll back, install,
 * uninstall and uploads. The fake-runtime spec (`admin-server.int.spec.ts`) keeps only what
 * needs its controls (authentication, authorisation hooks, body limits, injected failures).
 * One server for the file; the tests run in order and build on each other.
 */

const SF = 'com.example.fixture';
const NET = 'com.example.net';
const principals = {
  [TOKENS.admin]: { id: 'alice', roles: ['admin'] },
  [TOKENS.operator]: { id: 'oscar', roles: ['operator'] },
  [TOKENS.viewer]: { id: 'vera', roles: ['viewer'] },
};

describe('admin API over the real runtime: what an operator sees', () => {
  let root: string;
  let server: ManagementServer;
  let admin: AdminServer;
  let app: AdminServer['app'];
  let v11: string;
  let net: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-admin-api-'));
    const src = join(root, 'src');
    await buildFixtureCar(src, { id: SF, version: '1.0.0' });
    v11 = await buildFixtureCar(join(root, 'v11'), { id: SF, version: '1.1.0' });
    net = await buildFixtureCar(join(root, 'net'), {
      id: NET,
      version: '1.0.0',
      category: 'network',
      point: 'network.device',
    });
    server = await createManagementServer({
      dataDir: join(root, 'data'),
      sources: [`file:${src}`],
      config: {
        ...DEFAULT_KERNEL_CONFIG,
        confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [SF, NET] },
      },
    });
    await server.start();
    admin = createAdminServer({
      runtime: server.runtime,
      auth: { tokens: principals },
      logger: false,
      uploadLimit: 256 * 1024,
    });
    app = admin.app;
    for (const id of ['pool-1', 'pool-2']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/resources',
        headers: as('admin'),
        payload: {
          id,
          kind: 'pool',
          driverId: SF,
          properties: { mVip: '10.0.0.10', password: 's3cret-pool' },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  }, 60_000);
  afterAll(async () => {
    await admin?.close();
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('lists drivers with version, state, tier, signature and provides', async () => {
    const res = await app.inject({ url: '/api/drivers', headers: as('viewer') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      expect.objectContaining({
        id: SF,
        activeVersion: '1.0.0',
        state: 'Running',
        tier: 'in-process',
        category: 'storage',
        signature: { signed: false },
        provides: [expect.objectContaining({ point: 'storage.primary' })],
      }),
    ]);
  });

  it('renders the detail form with labels (fr-CA falls back to en) and lists its resources', async () => {
    const res = await app.inject({ url: `/api/drivers/${SF}?locale=fr-CA`, headers: as('viewer') });
    expect(res.statusCode).toBe(200);
    const detail = res.json();
    const form = detail.versions[0].form;
    expect(form.find((f: { key: string }) => f.key === 'mVip')).toMatchObject({
      label: 'Management VIP',
      required: true,
      type: 'string',
      maxLength: 15,
    });
    expect(form.find((f: { key: string }) => f.key === 'mPort')).toMatchObject({
      type: 'number',
      default: 443,
    });
    expect(form.find((f: { key: string }) => f.key === 'password')).toMatchObject({ masked: true });
    expect(detail.resources.map((r: { resource: { id: string } }) => r.resource.id)).toEqual([
      'pool-1',
      'pool-2',
    ]);
    expect(detail.versions[0]).not.toHaveProperty('messages');
  });

  it('masks secrets in resources, filters lists, and serves lifecycle, metrics and history', async () => {
    const r = (await app.inject({ url: '/api/resources/pool-1', headers: as('viewer') })).json();
    expect(r.configuration.password).toBe(SECRET_MASK);
    expect(r.binding).toEqual({ driverId: SF, version: '1.0.0' });
    const list = await app.inject({ url: `/api/resources?driverId=${SF}`, headers: as('viewer') });
    expect(list.json().map((x: { resource: { id: string } }) => x.resource.id)).toEqual([
      'pool-1',
      'pool-2',
    ]);
    expect(list.body).not.toContain('s3cret-pool');
    const none = await app.inject({ url: '/api/resources?driverId=x.y', headers: as('viewer') });
    expect(none.json()).toEqual([]);
    const life = await app.inject({ url: `/api/drivers/${SF}/lifecycle`, headers: as('viewer') });
    expect(life.json().map((e: { to: string }) => e.to)).toEqual(
      expect.arrayContaining(['Verified', 'Loaded', 'Running']),
    );
    const m = await app.inject({ url: '/api/metrics/executors', headers: as('viewer') });
    expect(m.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/updates', headers: as('viewer') })).json()).toEqual([]);
    const h = await app.inject({ url: '/api/upgrades', headers: as('viewer') });
    expect(h.json().map((x: { action: string }) => x.action)).toEqual(['install']);
  });

  it('answers unknown objects with their registry code and unknown routes with ADMIN_NOT_FOUND', async () => {
    const d = await app.inject({ url: '/api/drivers/com.nope', headers: as('viewer') });
    expect([d.statusCode, d.json().code]).toEqual([404, 'CHASSIS_E_UPGRADE_NOT_INSTALLED']);
    const r = await app.inject({ url: '/api/resources/nope', headers: as('viewer') });
    expect([r.statusCode, r.json().code]).toEqual([404, 'CHASSIS_E_RESOURCE_NOT_FOUND']);
    const x = await app.inject({ url: '/api/nothing-here', headers: as('viewer') });
    expect(x.statusCode).toBe(404);
    expect(x.json()).toMatchObject({ code: 'CHASSIS_E_ADMIN_NOT_FOUND', details: {} });
  });

  it('tests a resource with no request body at all (the health check)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/resources/pool-1/test',
      headers: as('operator'),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ resource: 'pool-1', operation: 'health', ok: true });
  });

  it('returns every violation of an invalid configuration and keeps the old one', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/api/resources/pool-1/configuration',
      headers: as('operator'),
      payload: { properties: { mVip: '', mPort: 'abc', nope: 1, password: null } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CHASSIS_E_PROPS_INVALID');
    expect(
      res
        .json()
        .details.violations.map((v: { key: string; rule: string }) => `${v.key}:${v.rule}`)
        .sort(),
    ).toEqual(['mPort:type', 'mVip:required', 'nope:unknown', 'password:required']);
    const after = (
      await app.inject({ url: '/api/resources/pool-1', headers: as('viewer') })
    ).json();
    expect(after.configuration.mVip).toBe('10.0.0.10');
  });

  it('applies a valid configuration change, keeping a secret sent back masked', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/api/resources/pool-1/configuration',
      headers: as('operator'),
      payload: { properties: { mPort: 8443, password: SECRET_MASK } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().configuration).toMatchObject({ mPort: 8443, password: SECRET_MASK });
    expect(server.runtime.getResource('pool-1').configuration.mPort).toBe(8443);
    // The secret kept its value: the driver still sees the pool's configuration.
    expect(await server.runtime.router.call('pool-1', 'storage.primary', 'echo', [])).toMatchObject(
      { mVip: '10.0.0.10' },
    );
  });

  it('installs an upload, upgrades with a policy, refuses the same version and rolls back', async () => {
    const up = await app.inject({
      method: 'POST',
      url: '/api/drivers',
      headers: { ...as('admin'), 'content-type': 'application/octet-stream' },
      payload: await readFile(v11),
    });
    expect([up.statusCode, up.json().result]).toEqual([201, 'succeeded']);
    const res = await app.inject({
      method: 'POST',
      url: `/api/drivers/${SF}/upgrade`,
      headers: as('operator'),
      payload: { policy: { kind: 'canary', canaries: 1 } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      action: 'upgrade',
      from: '1.0.0',
      to: '1.1.0',
      result: 'succeeded',
      principal: 'oscar',
      policy: { kind: 'canary', canaries: 1 },
    });
    expect(res.json().resources.map((r: { id: string }) => r.id)).toEqual(['pool-1', 'pool-2']);
    const pool = (await app.inject({ url: '/api/resources/pool-2', headers: as('viewer') })).json();
    expect(pool.binding.version).toBe('1.1.0');
    const again = await app.inject({
      method: 'POST',
      url: `/api/drivers/${SF}/upgrade`,
      headers: as('operator'),
      payload: { version: '1.1.0' },
    });
    expect([again.statusCode, again.json().code]).toEqual([409, 'CHASSIS_E_UPGRADE_SAME_VERSION']);
    const back = await app.inject({
      method: 'POST',
      url: `/api/drivers/${SF}/rollback`,
      headers: as('operator'),
    });
    expect(back.json()).toMatchObject({ action: 'rollback', from: '1.1.0', to: '1.0.0' });
    expect(await server.runtime.router.call('pool-1', 'storage.primary', 'whoami', [])).toBe(
      '1.0.0',
    );
    const history = (
      await app.inject({ url: `/api/upgrades?driverId=${SF}`, headers: as('viewer') })
    ).json();
    expect(history.map((h: { action: string }) => h.action)).toEqual([
      'install',
      'install',
      'upgrade',
      'rollback',
    ]);
  });

  it('installs another driver, refuses to uninstall it while bound, uninstalls a free version', async () => {
    const inst = await app.inject({
      method: 'POST',
      url: '/api/drivers',
      headers: { ...as('admin'), 'content-type': 'application/octet-stream' },
      payload: await readFile(net),
    });
    expect([inst.statusCode, inst.json().result]).toEqual([201, 'succeeded']);
    const created = await app.inject({
      method: 'POST',
      url: '/api/resources',
      headers: as('admin'),
      payload: {
        id: 'net-1',
        kind: 'network',
        driverId: NET,
        properties: { mVip: '10.0.0.20', password: 'nvp-pass' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().configuration.password).toBe(SECRET_MASK);
    const bound = await app.inject({
      method: 'DELETE',
      url: `/api/drivers/${NET}`,
      headers: as('admin'),
    });
    expect([bound.statusCode, bound.json().code]).toEqual([409, 'CHASSIS_E_UNINSTALL_BOUND']);
    const free = await app.inject({
      method: 'DELETE',
      url: `/api/drivers/${SF}?version=1.1.0`,
      headers: as('admin'),
    });
    expect([free.statusCode, free.json().result]).toEqual([200, 'succeeded']);
    const detail = (await app.inject({ url: `/api/drivers/${SF}`, headers: as('viewer') })).json();
    expect(detail.versions.map((v: { version: string }) => v.version)).toEqual(['1.0.0']);
  });

  it('refuses garbage and oversize uploads with typed codes, and uploads by an operator', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/drivers',
      headers: { ...as('admin'), 'content-type': 'application/octet-stream' },
      payload: Buffer.from('not a zip'),
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    expect(bad.json().code).toMatch(/^CHASSIS_E_CAR_/);
    const big = await app.inject({
      method: 'POST',
      url: '/api/drivers',
      headers: { ...as('admin'), 'content-type': 'application/octet-stream' },
      payload: Buffer.alloc(257 * 1024),
    });
    expect([big.statusCode, big.json().code]).toEqual([413, 'CHASSIS_E_ADMIN_PAYLOAD_TOO_LARGE']);
    const denied = await app.inject({
      method: 'POST',
      url: '/api/drivers',
      headers: { ...as('operator'), 'content-type': 'application/octet-stream' },
      payload: Buffer.from('x'),
    });
    expect([denied.statusCode, denied.json().code]).toEqual([403, 'CHASSIS_E_AUTH_DENIED']);
  });
});
