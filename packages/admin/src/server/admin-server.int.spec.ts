import { ChassisError } from '@chassis/kernel';
import { afterEach, describe, expect, it } from 'vitest';
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

// What an operator sees (reads, configuration, upgrades, installs, uploads) is tested over the
// real runtime in admin-api.int.spec.ts; this file keeps what needs the fake's controls.
describe('admin API: mutations', () => {
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

  it('restarts the Failed driver the fake seeds, and refuses a second restart', async () => {
    const { app, runtime } = setup();
    const restarted = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.kvm/restart',
      headers: as('operator'),
      payload: {},
    });
    expect(restarted.json().state).toBe('Running');
    // Without any body: the route reads it as {} (curl -X POST works).
    const again = await app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.kvm/restart',
      headers: as('operator'),
    });
    expect([again.statusCode, again.json().code]).toEqual([
      409,
      'CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION',
    ]);
    expect(runtime.getDriver('com.example.kvm').versions[0]?.state).toBe('Running');
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
