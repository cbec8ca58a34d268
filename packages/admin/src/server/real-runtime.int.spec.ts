import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCarEntries } from '@chassis/car';
import { HOSTILE_KINDS, type HostileKind, hostileCar } from '@chassis/car/testing';
import { DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { createManagementServer, type ManagementServer } from '@chassis/runtime';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AdminServer, createAdminServer } from './create-admin-server.js';

const ID = 'com.example.fixture';
const WORKER_ID = 'com.example.isolated';
const token = 'real-runtime-admin-token-0123456789';
const auth = { authorization: `Bearer ${token}` };

/** The admin API over the real composed runtime (not the fake): the seam both sides must honour. */
describe('admin API over the real management runtime', () => {
  let root: string;
  let server: ManagementServer;
  let admin: AdminServer;
  let v2: string;
  let workerCar: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-admin-real-'));
    const repo = join(root, 'repo');
    await buildFixtureCar(repo, { id: ID, version: '1.0.0' });
    v2 = await buildFixtureCar(join(root, 'later'), { id: ID, version: '1.1.0' });
    workerCar = await buildFixtureCar(join(root, 'worker'), {
      id: WORKER_ID,
      version: '1.0.0',
      isolation: 'worker',
    });
    // The operator trusts the fixture drivers, so each runs in the tier its driver.yaml asks for.
    const confinement = { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [ID, WORKER_ID] };
    server = await createManagementServer({
      dataDir: join(root, 'data'),
      sources: [`file:${repo}`],
      config: { ...DEFAULT_KERNEL_CONFIG, confinement },
    });
    await server.start();
    admin = createAdminServer({
      runtime: server.runtime,
      auth: { tokens: { [token]: { id: 'alice', roles: ['admin'] } } },
      logger: false,
      // Generous: a busy CI machine must not turn a slow worker answer into a missing line.
      metrics: { memoryTimeoutMs: 5000 },
    });
  });
  afterAll(async () => {
    await admin?.close();
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('lists installed drivers with their rendered property form', async () => {
    const list = await admin.app.inject({ url: '/api/drivers', headers: auth });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: ID, activeVersion: '1.0.0' })]),
    );
    const detail = await admin.app.inject({ url: `/api/drivers/${ID}?locale=fr`, headers: auth });
    expect(detail.statusCode).toBe(200);
    expect(JSON.stringify(detail.json())).toContain('Management VIP');
  });

  it('creates and configures a resource, returning every violation and masking secrets', async () => {
    const created = await admin.app.inject({
      method: 'POST',
      url: '/api/resources',
      headers: auth,
      payload: {
        id: 'pool-1',
        kind: 'pool',
        driverId: ID,
        properties: { mVip: '10.0.0.1', password: 'hunter2' },
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body).not.toContain('hunter2');
    const bad = await admin.app.inject({
      method: 'PUT',
      url: '/api/resources/pool-1/configuration',
      headers: auth,
      payload: { properties: { mVip: 'x'.repeat(30), mPort: 'eighty' } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('CHASSIS_E_PROPS_INVALID');
    expect(
      bad
        .json()
        .details.violations.map((v: { key: string }) => v.key)
        .sort(),
    ).toEqual(['mPort', 'mVip']);
    const res = await admin.app.inject({ url: '/api/resources/pool-1', headers: auth });
    expect(res.json()).toMatchObject({ binding: { version: '1.0.0' } });
    expect(res.body).not.toContain('hunter2');
  });

  it('installs by upload, upgrades and rolls back through the API', async () => {
    const up = await admin.app.inject({
      method: 'POST',
      url: '/api/drivers',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      payload: await readFile(v2),
    });
    expect(up.statusCode).toBe(201);
    const upgraded = await admin.app.inject({
      method: 'POST',
      url: `/api/drivers/${ID}/upgrade`,
      headers: auth,
      payload: { version: '1.1.0', policy: { kind: 'one-at-a-time' } },
    });
    expect(upgraded.statusCode).toBe(200);
    expect(await server.runtime.router.call('pool-1', 'storage.primary', 'whoami', [])).toBe(
      '1.1.0',
    );
    const back = await admin.app.inject({
      method: 'POST',
      url: `/api/drivers/${ID}/rollback`,
      headers: auth,
    });
    expect(back.statusCode).toBe(200);
    expect(await server.runtime.router.call('pool-1', 'storage.primary', 'whoami', [])).toBe(
      '1.0.0',
    );
    const history = await admin.app.inject({ url: '/api/upgrades', headers: auth });
    expect(history.json().map((r: { action: string }) => r.action)).toEqual([
      'install',
      'install',
      'upgrade',
      'rollback',
    ]);
    const none = await admin.app.inject({
      method: 'POST',
      url: '/api/drivers/com.example.nope/rollback',
      headers: auth,
    });
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('CHASSIS_E_UPGRADE_NOT_INSTALLED');
  });

  it('exports metrics for the real drivers', async () => {
    const res = await admin.app.inject({ url: '/metrics', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(ID);
  });

  it('exports the memory of a worker-tier driver, measured in its worker (no rss, in-process left out)', async () => {
    const up = await admin.app.inject({
      method: 'POST',
      url: '/api/drivers',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      payload: await readFile(workerCar),
    });
    expect(up.statusCode).toBe(201);
    const res = await admin.app.inject({ url: '/metrics', headers: auth });
    const labels = `{driver="${WORKER_ID}",version="1.0.0",tier="worker"}`;
    const value = (name: string) =>
      Number(
        res.body
          .split('\n')
          .find((l) => l.startsWith(`${name}${labels} `))
          ?.split(' ')[1],
      );
    expect(value('chassis_driver_heap_used_bytes')).toBeGreaterThan(0);
    expect(value('chassis_driver_heap_total_bytes')).toBeGreaterThanOrEqual(
      value('chassis_driver_heap_used_bytes'),
    );
    expect(value('chassis_driver_external_bytes')).toBeGreaterThan(0);
    expect(res.body).not.toContain(`chassis_driver_rss_bytes${labels}`);
    expect(res.body).not.toContain(`chassis_driver_heap_used_bytes{driver="${ID}"`);
    const json = await admin.app.inject({ url: '/api/metrics/memory', headers: auth });
    expect(json.json()).toEqual([
      expect.objectContaining({ driverId: WORKER_ID, version: '1.0.0', tier: 'worker' }),
    ]);
  });

  it('refuses a hostile upload with its typed 4xx code, never 500, and keeps nothing of it', async () => {
    const files = await readCarEntries(
      await buildFixtureCar(join(root, 'hostile'), { id: 'com.example.hostile', version: '1.0.0' }),
    );
    for (const [kind, code] of Object.entries(HOSTILE_KINDS)) {
      const up = await admin.app.inject({
        method: 'POST',
        url: '/api/drivers',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        payload: hostileCar(files, kind as HostileKind),
      });
      expect(up.statusCode, `${kind}: ${up.body}`).toBe(400);
      expect(up.json().code, kind).toBe(code);
    }
    const list = await admin.app.inject({ url: '/api/drivers', headers: auth });
    expect(list.body).not.toContain('com.example.hostile');
    // The upload folder is removed in an onResponse hook, which may still run after inject.
    await vi.waitFor(async () => expect(await readdir(join(root, 'data', 'uploads'))).toEqual([]), {
      timeout: 5000,
      interval: 20,
    });
  });
});
