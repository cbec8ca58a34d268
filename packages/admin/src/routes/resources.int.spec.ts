import { createExtensionPoint } from '@chassis/kernel';
import { type FixtureServer, fixtureServer } from '@chassis/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, createAdminServer } from '../server/create-admin-server.js';

const ID = 'com.example.fixture';
const tokens = {
  'admin-token-0123456789': { id: 'alice', roles: ['admin'] },
  'operator-token-0123456789': { id: 'oscar', roles: ['operator'] },
  'viewer-token-0123456789': { id: 'vera', roles: ['viewer'] },
};
const as = (role: 'admin' | 'operator' | 'viewer') => ({
  authorization: `Bearer ${role}-token-0123456789`,
});

/** The resource lifecycle and the upgrade plan through the admin API, over the real runtime. */
describe('resource and upgrade-plan routes (real runtime)', () => {
  let fixture: FixtureServer;
  let admin: AdminServer;
  const inject = (
    role: 'admin' | 'operator' | 'viewer',
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ) => admin.app.inject({ method, url, headers: as(role), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    fixture = await fixtureServer({
      repo: [
        { id: ID, version: '1.0.0' },
        { id: ID, version: '1.1.0' },
      ],
      trusted: [ID],
      extensionPoints: [createExtensionPoint('storage.primary', '1.0.0', { safe: ['whoami'] })],
    });
    admin = createAdminServer({ runtime: fixture.server.runtime, auth: { tokens }, logger: false });
    for (const id of ['pool-1', 'pool-2']) {
      const res = await inject('admin', 'POST', '/api/resources', {
        id,
        kind: 'pool',
        driverId: ID,
        properties: { mVip: '10.0.0.1', password: 'hunter2' },
      });
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await admin?.close();
    await fixture?.close();
  });

  it('filters the resource list', async () => {
    const res = await inject('viewer', 'GET', `/api/resources?driverId=${ID}&version=1.0.0`);
    expect(res.json().map((r: { resource: { id: string } }) => r.resource.id)).toEqual([
      'pool-1',
      'pool-2',
    ]);
    expect((await inject('viewer', 'GET', '/api/resources?version=2.0.0')).json()).toEqual([]);
    expect((await inject('viewer', 'GET', '/api/resources?state=bogus')).statusCode).toBe(400);
  });

  it('shows a plan to any role, then applies it to a subset only', async () => {
    const plan = await inject('viewer', 'POST', `/api/drivers/${ID}/upgrade-plan`, {
      version: '1.1.0',
      resources: ['pool-2'],
    });
    expect(plan.statusCode).toBe(200);
    expect(plan.json()).toMatchObject({
      from: '1.0.0',
      to: '1.1.0',
      activeAfter: '1.0.0',
      resources: [{ id: 'pool-2', from: '1.0.0', to: '1.1.0' }],
      policy: { kind: 'one-at-a-time' },
      ok: true,
    });
    const denied = await inject('viewer', 'POST', `/api/drivers/${ID}/upgrade`, {});
    expect(denied.statusCode).toBe(403);
    const applied = await inject('operator', 'POST', `/api/drivers/${ID}/upgrade`, {
      version: '1.1.0',
      resources: ['pool-2'],
    });
    expect(applied.statusCode).toBe(200);
    const pool2 = await inject('viewer', 'GET', '/api/resources?version=1.1.0');
    expect(pool2.json().map((r: { resource: { id: string } }) => r.resource.id)).toEqual([
      'pool-2',
    ]);
  });

  it('pins a resource and releases the pin', async () => {
    const pinned = await inject('operator', 'PUT', '/api/resources/pool-2/pin', {
      version: '1.0.0',
    });
    expect(pinned.statusCode).toBe(200);
    expect(pinned.json()).toMatchObject({ binding: { version: '1.0.0' }, pinned: true });
    const released = await inject('operator', 'PUT', '/api/resources/pool-2/pin', {
      version: null,
    });
    expect(released.json().pinned).toBeUndefined();
  });

  it('tests a resource (operator), refuses unsafe operations and viewers', async () => {
    const health = await inject('operator', 'POST', '/api/resources/pool-1/test', {});
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ operation: 'health', ok: true });
    const op = await inject('operator', 'POST', '/api/resources/pool-1/test', {
      operation: 'whoami',
    });
    expect(op.json()).toMatchObject({ operation: 'storage.primary.whoami', result: '1.0.0' });
    const unsafe = await inject('operator', 'POST', '/api/resources/pool-1/test', {
      operation: 'echo',
    });
    expect(unsafe.statusCode).toBe(422);
    expect(unsafe.json().code).toBe('CHASSIS_E_RESOURCE_OP_NOT_SAFE');
    expect((await inject('viewer', 'POST', '/api/resources/pool-1/test')).statusCode).toBe(403);
  });

  it('deletes a resource (admin only); it is gone afterwards', async () => {
    expect((await inject('operator', 'DELETE', '/api/resources/pool-1')).statusCode).toBe(403);
    const del = await inject('admin', 'DELETE', '/api/resources/pool-1');
    expect(del.statusCode).toBe(204);
    const gone = await inject('admin', 'GET', '/api/resources/pool-1');
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('CHASSIS_E_RESOURCE_NOT_FOUND');
    expect((await inject('admin', 'DELETE', '/api/resources/pool-1')).statusCode).toBe(404);
  });
});
