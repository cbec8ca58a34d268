import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChassisError, SECRET_MASK } from '@chassis/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTestCar } from '../testing/test-car.js';
import type { AdminServer } from './create-admin-server.js';
import { as, testServer } from './test-server.js';

let current: AdminServer | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

function setup(...args: Parameters<typeof testServer>) {
  const t = testServer(...args);
  current = t.server;
  return { ...t, app: t.server.app };
}

describe('admin API: reads', () => {
  it('lists drivers with versions, state, tier, signature, provides and updates', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'GET', url: '/api/drivers', headers: as('viewer') });
    expect(res.statusCode).toBe(200);
    const drivers = res.json();
    expect(drivers.map((d: { id: string }) => d.id)).toEqual([
      'com.example.kvm',
      'com.example.solidfire',
      'org.example.nvp',
    ]);
    const sf = drivers.find((d: { id: string }) => d.id === 'com.example.solidfire');
    expect(sf).toMatchObject({
      activeVersion: '2.0.0',
      state: 'Running',
      tier: 'worker',
      category: 'storage',
      signature: { signed: true },
      provides: [{ point: 'storage.primary' }],
      update: { installed: '2.0.0', available: '2.1.0' },
    });
    expect(drivers.find((d: { id: string }) => d.id === 'com.example.kvm').state).toBe('Failed');
  });

  it('renders the driver detail form with labels for ?locale= (fr, fallback en) and lists its resources', async () => {
    const { app } = setup();
    const res = await app.inject({
      url: '/api/drivers/com.example.solidfire?locale=fr-CA',
      headers: as('viewer'),
    });
    expect(res.statusCode).toBe(200);
    const detail = res.json();
    const form = detail.versions[0].form;
    expect(form.find((f: { key: string }) => f.key === 'mVip')).toMatchObject({
      label: 'VIP de gestion',
      required: true,
      type: 'string',
      maxLength: 255,
    });
    expect(form.find((f: { key: string }) => f.key === 'mPort')).toMatchObject({
      label: 'Management port',
      type: 'number',
      default: 443,
    });
    expect(form.find((f: { key: string }) => f.key === 'clusterAdminPassword')).toMatchObject({
      masked: true,
    });
    expect(detail.resources.map((r: { resource: { id: string } }) => r.resource.id)).toEqual([
      'pool-1',
      'pool-2',
    ]);
    expect(detail.versions[0]).not.toHaveProperty('messages');
  });

  it('masks secrets in resource configuration and shows the bound version', async () => {
    const { app } = setup();
    const res = await app.inject({ url: '/api/resources/pool-1', headers: as('viewer') });
    const r = res.json();
    expect(r.configuration.clusterAdminPassword).toBe(SECRET_MASK);
    expect(JSON.stringify(r)).not.toContain('s3cret-pool');
    expect(r.binding).toEqual({ driverId: 'com.example.solidfire', version: '2.0.0' });
    const list = await app.inject({
      url: '/api/resources?driverId=org.example.nvp',
      headers: as('viewer'),
    });
    expect(list.json().map((x: { resource: { id: string } }) => x.resource.id)).toEqual(['net-1']);
    expect(list.body).not.toContain('nvp-pass');
  });

  it('serves lifecycle history, executor metrics, updates and upgrade history', async () => {
    const { app } = setup();
    const life = await app.inject({
      url: '/api/drivers/com.example.kvm/lifecycle',
      headers: as('viewer'),
    });
    expect(life.json().at(-1)).toMatchObject({
      from: 'Running',
      to: 'Failed',
      cause: { code: 'CHASSIS_E_LIFECYCLE_STEP_FAILED' },
    });
    const m = await app.inject({ url: '/api/metrics/executors', headers: as('viewer') });
    expect(
      m.json().find((x: { driverId: string }) => x.driverId === 'com.example.solidfire').calls,
    ).toBe(12);
    const u = await app.inject({ url: '/api/updates', headers: as('viewer') });
    expect(u.json()).toEqual([
      { id: 'com.example.solidfire', installed: '2.0.0', available: '2.1.0', category: 'storage' },
    ]);
    const h = await app.inject({ url: '/api/upgrades', headers: as('viewer') });
    expect(h.json()).toEqual([]);
  });

  it('answers unknown objects with their registry code and unknown routes with CHASSIS_E_ADMIN_NOT_FOUND', async () => {
    const { app } = setup();
    const d = await app.inject({ url: '/api/drivers/com.nope', headers: as('viewer') });
    expect(d.statusCode).toBe(404);
    expect(d.json().code).toBe('CHASSIS_E_UPGRADE_NOT_INSTALLED');
    const r = await app.inject({ url: '/api/resources/nope', headers: as('viewer') });
    expect([r.statusCode, r.json().code]).toEqual([404, 'CHASSIS_E_RESOURCE_NOT_FOUND']);
    const x = await app.inject({ url: '/api/nothing-here', headers: as('viewer') });
    expect(x.statusCode).toBe(404);
    expect(x.json()).toMatchObject({ code: 'CHASSIS_E_ADMIN_NOT_FOUND', details: {} });
  });
});

describe('admin API: authentication and authorisation', () => {
  it('refuses anonymous reads and mutations, and bad tokens, but serves /healthz and the UI shell', async () => {
    const { app } = setup();
    const anon = await app.inject({ url: '/api/drivers' });
    expect([anon.statusCode, anon.json().code]).toEqual([401, 'CHASSIS_E_AUTH_REQUIRED']);
    const bad = await app.inject({
      url: '/api/drivers',
      headers: { authorization: 'Bearer wrong' },
    });
    expect([bad.statusCode, bad.json().code]).toEqual([401, 'CHASSIS_E_AUTH_INVALID']);
    const mut = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.solidfire/upgrade',
      payload: {},
    });
    expect(mut.statusCode).toBe(401);
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect((await app.inject({ url: '/ui/app.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/openapi.json' })).statusCode).toBe(401);
  });

  it('accepts ?token= only on /events', async () => {
    const { app } = setup();
    const res = await app.inject({ url: '/api/drivers?token=viewer-token-0123456789' });
    expect(res.statusCode).toBe(401);
  });

  it.each([
    ['viewer', 'POST', '/api/drivers/com.example.solidfire/upgrade', {}, 403],
    ['viewer', 'PUT', '/api/resources/pool-1/configuration', { properties: { mPort: 444 } }, 403],
    ['viewer', 'GET', '/api/audit', undefined, 403],
    ['operator', 'PUT', '/api/resources/pool-1/configuration', { properties: { mPort: 444 } }, 200],
    ['operator', 'POST', '/api/drivers/com.example.kvm/restart', {}, 200],
    ['operator', 'POST', '/api/drivers', { source: { kind: 'repository', id: 'x.y' } }, 403],
    ['operator', 'DELETE', '/api/drivers/org.example.nvp?force=true', undefined, 403],
    ['operator', 'GET', '/api/audit', undefined, 403],
    ['admin', 'DELETE', '/api/drivers/org.example.nvp?force=true', undefined, 200],
    ['admin', 'GET', '/api/audit', undefined, 200],
  ] as const)('%s %s %s → %i', async (role, method, url, payload, status) => {
    const { app } = setup();
    const res = await app.inject({
      method,
      url,
      headers: as(role),
      ...(payload ? { payload } : {}),
    });
    expect(res.statusCode).toBe(status);
    if (status === 403) expect(res.json().code).toBe('CHASSIS_E_AUTH_DENIED');
  });

  it('audits denials (and allowed mutations) and exposes them at /api/audit', async () => {
    const { app } = setup();
    await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.solidfire/rollback',
      headers: as('viewer'),
    });
    await app.inject({ method: 'POST', url: '/api/updates/check', headers: as('operator') });
    const audit = (await app.inject({ url: '/api/audit', headers: as('admin') })).json();
    expect(audit).toEqual([
      expect.objectContaining({
        principal: 'vera',
        action: 'drivers.rollback',
        allowed: false,
        target: { kind: 'driver', id: 'com.example.solidfire' },
      }),
      expect.objectContaining({ principal: 'oscar', action: 'updates.check', allowed: true }),
    ]);
  });

  it('calls a custom authorize hook for every action and fails closed when it throws', async () => {
    const calls: string[] = [];
    const { app } = setup({
      authorize: (p, action, target) => {
        calls.push(`${p.id}:${action}:${target.id ?? ''}`);
        if (action === 'drivers.restart') throw new Error('policy service down');
        return true;
      },
    });
    expect(
      (await app.inject({ url: '/api/drivers/com.example.kvm', headers: as('viewer') })).statusCode,
    ).toBe(200);
    const denied = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.kvm/restart',
      headers: as('admin'),
      payload: {},
    });
    expect(denied.json().code).toBe('CHASSIS_E_AUTH_DENIED');
    expect(calls).toEqual([
      'vera:drivers.read:com.example.kvm',
      'alice:drivers.restart:com.example.kvm',
    ]);
  });

  it('lets anonymous callers read (never mutate) only when anonymousReads is on', async () => {
    const { app } = setup({
      auth: { tokens: {}, anonymousReads: true, authenticate: () => undefined },
    });
    expect((await app.inject({ url: '/api/drivers' })).statusCode).toBe(200);
    const mut = await app.inject({ method: 'POST', url: '/api/updates/check' });
    expect([mut.statusCode, mut.json().code]).toEqual([401, 'CHASSIS_E_AUTH_REQUIRED']);
  });
});

describe('admin API: mutations', () => {
  it('returns every violation of an invalid configuration and keeps the old one', async () => {
    const { app } = setup();
    const res = await app.inject({
      method: 'PUT',
      url: '/api/resources/pool-1/configuration',
      headers: as('operator'),
      payload: { properties: { mVip: '', mPort: 'abc', nope: 1, clusterAdminPassword: null } },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.code).toBe('CHASSIS_E_PROPS_INVALID');
    const keys = body.details.violations
      .map((v: { key: string; rule: string }) => `${v.key}:${v.rule}`)
      .sort();
    expect(keys).toEqual([
      'clusterAdminPassword:required',
      'mPort:type',
      'mVip:required',
      'nope:unknown',
    ]);
    const after = (
      await app.inject({ url: '/api/resources/pool-1', headers: as('viewer') })
    ).json();
    expect(after.configuration.mVip).toBe('10.0.0.10');
  });

  it('applies a valid configuration change, keeping a secret sent back masked', async () => {
    const { app, runtime } = setup();
    const res = await app.inject({
      method: 'PUT',
      url: '/api/resources/pool-1/configuration',
      headers: as('operator'),
      payload: { properties: { mPort: 8443, clusterAdminPassword: SECRET_MASK } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().configuration).toMatchObject({
      mPort: 8443,
      clusterAdminPassword: SECRET_MASK,
    });
    expect(runtime.getResource('pool-1').configuration.mPort).toBe(8443);
  });

  it('validates bodies by schema (400 CHASSIS_E_ADMIN_BAD_REQUEST with every error)', async () => {
    const { app } = setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.solidfire/upgrade',
      headers: as('admin'),
      payload: { policy: { kind: 'canary', canaries: 0 }, extra: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('CHASSIS_E_ADMIN_BAD_REQUEST');
    expect(res.json().details.violations.length).toBeGreaterThan(1);
    const badJson = await app.inject({
      method: 'PUT',
      url: '/api/resources/pool-1/configuration',
      headers: { ...as('admin'), 'content-type': 'application/json' },
      payload: '{"properties":',
    });
    expect([badJson.statusCode, badJson.json().code]).toEqual([400, 'CHASSIS_E_ADMIN_BAD_REQUEST']);
  });

  it('caps JSON bodies (413 CHASSIS_E_ADMIN_PAYLOAD_TOO_LARGE)', async () => {
    const { app } = setup({ bodyLimit: 1024 });
    const res = await app.inject({
      method: 'PUT',
      url: '/api/resources/pool-1/configuration',
      headers: as('admin'),
      payload: { properties: { mVip: 'x'.repeat(4096) } },
    });
    expect([res.statusCode, res.json().code]).toEqual([413, 'CHASSIS_E_ADMIN_PAYLOAD_TOO_LARGE']);
  });

  it('upgrades with a policy, records it and moves the resources', async () => {
    const { app } = setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.solidfire/upgrade',
      headers: as('operator'),
      payload: { policy: { kind: 'canary', canaries: 1 } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      action: 'upgrade',
      from: '2.0.0',
      to: '2.1.0',
      result: 'succeeded',
      principal: 'oscar',
      policy: { kind: 'canary', canaries: 1 },
    });
    expect(res.json().resources.map((r: { id: string }) => r.id)).toEqual(['pool-1', 'pool-2']);
    const pool = (await app.inject({ url: '/api/resources/pool-1', headers: as('viewer') })).json();
    expect(pool.binding.version).toBe('2.1.0');
    const again = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.solidfire/upgrade',
      headers: as('operator'),
      payload: {},
    });
    expect([again.statusCode, again.json().code]).toEqual([409, 'CHASSIS_E_UPGRADE_SAME_VERSION']);
    const back = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.solidfire/rollback',
      headers: as('operator'),
    });
    expect(back.json()).toMatchObject({ action: 'rollback', to: '2.0.0', result: 'rolled-back' });
    const none = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.solidfire/rollback',
      headers: as('operator'),
    });
    expect([none.statusCode, none.json().code]).toEqual([409, 'CHASSIS_E_UPGRADE_NO_PREVIOUS']);
    const history = (
      await app.inject({
        url: '/api/upgrades?driverId=com.example.solidfire',
        headers: as('viewer'),
      })
    ).json();
    expect(history.map((h: { action: string }) => h.action)).toEqual(['upgrade', 'rollback']);
  });

  it('installs from the repository, creates a resource, restarts a failed driver, uninstalls', async () => {
    const { app, runtime } = setup();
    await app.inject({
      method: 'DELETE',
      url: '/api/drivers/org.example.nvp?force=true',
      headers: as('admin'),
    });
    const inst = await app.inject({
      method: 'POST',
      url: '/api/drivers',
      headers: as('admin'),
      payload: { source: { kind: 'repository', id: 'org.example.nvp' } },
    });
    expect([inst.statusCode, inst.json().result]).toEqual([201, 'succeeded']);
    const created = await app.inject({
      method: 'POST',
      url: '/api/resources',
      headers: as('admin'),
      payload: {
        id: 'net-2',
        kind: 'network',
        driverId: 'org.example.nvp',
        properties: { hostname: 'h', username: 'u', password: 'p', transportZoneUuid: 'tz' },
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().configuration.password).toBe(SECRET_MASK);
    const bound = await app.inject({
      method: 'DELETE',
      url: '/api/drivers/org.example.nvp',
      headers: as('admin'),
    });
    expect([bound.statusCode, bound.json().code]).toEqual([409, 'CHASSIS_E_UNINSTALL_BOUND']);
    const restarted = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.kvm/restart',
      headers: as('operator'),
      payload: {},
    });
    expect(restarted.json().state).toBe('Running');
    const again = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.kvm/restart',
      headers: as('operator'),
      payload: {},
    });
    expect([again.statusCode, again.json().code]).toEqual([
      409,
      'CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION',
    ]);
    expect(runtime.getDriver('com.example.kvm').versions[0]?.state).toBe('Running');
  });

  it('installs an uploaded CAR through the safe reader and refuses garbage and oversize uploads', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'admin-upload-'));
    try {
      const { app } = setup({ uploadLimit: 64 * 1024 });
      const car = path.join(dir, 'good.car');
      await writeTestCar(car);
      const { readFile } = await import('node:fs/promises');
      const ok = await app.inject({
        method: 'POST',
        url: '/api/drivers',
        headers: { ...as('admin'), 'content-type': 'application/octet-stream' },
        payload: await readFile(car),
      });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({
        action: 'install',
        driverId: 'com.example.uploaded',
        result: 'succeeded',
      });
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
        payload: Buffer.alloc(65 * 1024),
      });
      expect([big.statusCode, big.json().code]).toEqual([413, 'CHASSIS_E_ADMIN_PAYLOAD_TOO_LARGE']);
      const denied = await app.inject({
        method: 'POST',
        url: '/api/drivers',
        headers: { ...as('operator'), 'content-type': 'application/octet-stream' },
        payload: Buffer.from('x'),
      });
      expect(denied.statusCode).toBe(403);
      await writeFile(path.join(dir, 'marker'), '');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('hides the internals of unknown errors (500 CHASSIS_E_INTERNAL) and keeps Chassis codes', async () => {
    const { app, runtime } = setup();
    runtime.failNext('checkUpdates', new Error('db password is hunter2'));
    const res = await app.inject({
      method: 'POST',
      url: '/api/updates/check',
      headers: as('admin'),
    });
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('CHASSIS_E_INTERNAL');
    expect(res.body).not.toContain('hunter2');
    runtime.failNext(
      'checkUpdates',
      new ChassisError('CHASSIS_E_REPO_TRANSPORT', 'repository down', { details: { url: 'x' } }),
    );
    const typed = await app.inject({
      method: 'POST',
      url: '/api/updates/check',
      headers: as('admin'),
    });
    expect([typed.statusCode, typed.json()]).toEqual([
      502,
      { code: 'CHASSIS_E_REPO_TRANSPORT', message: 'repository down', details: { url: 'x' } },
    ]);
  });
});
