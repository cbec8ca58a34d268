import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { UpgradeStatusSchema } from '@chassis/kernel/summaries';
import { createManagementServer, type ManagementServer } from '@chassis/runtime';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, createAdminServer } from '../server/create-admin-server.js';

const ID = 'com.example.fixture';
const TOKENS = { admin: 'async-admin-token-0123456789', viewer: 'async-viewer-token-012345678' };
const as = (who: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[who]}` });
const ASYNC = { prefer: 'wait=5, respond-async' };
const g = globalThis as { __asyncGate?: Promise<void> };

/**
 * A version whose `migrate` waits for the test's gate (in-process, so the gate is shared): the
 * upgrade is still running when the 202 answers. `healthy: false` fails its health check.
 */
const source = (version: string, healthy = true) => `
export default {
  provides: { 'storage.primary': { whoami: () => ${JSON.stringify(version)} } },
  migrate: async (_from, state) => { await globalThis.__asyncGate; return state; },
  health: () => (${healthy} ? { healthy: true } : { healthy: false, detail: 'injected' }),
};
`;

FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)));

/** The answer's problems against `UpgradeStatusSchema`, and properties it does not name. */
const problems = (value: Record<string, unknown>) => [
  ...[...Value.Errors(UpgradeStatusSchema, value)].map((e) => `${e.path}: ${e.message}`),
  ...Object.keys(value).filter((k) => !(k in UpgradeStatusSchema.properties)),
];

/** `Prefer: respond-async` on upgrade and rollback over the real runtime. */
describe('upgrade and rollback accepted with Prefer: respond-async (real runtime)', () => {
  let root: string;
  let server: ManagementServer;
  let admin: AdminServer;
  const cars: Record<string, string> = {};

  const inject = (method: 'GET' | 'POST', url: string, payload?: object, async = false) =>
    admin.app.inject({
      method,
      url,
      headers: { ...as('admin'), ...(async ? ASYNC : {}) },
      ...(payload ? { payload } : {}),
    });
  /** Follows `href` until the action left accepted/running (bounded). */
  const follow = async (href: string) => {
    for (let i = 0; i < 400; i++) {
      const res = await admin.app.inject({ url: href, headers: as('viewer') });
      expect(res.statusCode, res.body).toBe(200);
      const s = res.json() as { state: string };
      expect(problems(res.json())).toEqual([]);
      if (s.state !== 'accepted' && s.state !== 'running') return res.json();
      await sleep(25);
    }
    throw new Error(`${href} did not finish`);
  };
  const install = async (version: string) => {
    const up = await admin.app.inject({
      method: 'POST',
      url: '/api/drivers',
      headers: { ...as('admin'), 'content-type': 'application/octet-stream' },
      payload: await readFile(cars[version] as string),
    });
    expect(up.statusCode, up.body).toBe(201);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-admin-async-'));
    const src = join(root, 'src');
    await buildFixtureCar(src, {
      id: ID,
      version: '1.0.0',
      isolation: 'in-process',
      source: source('1.0.0'),
    });
    for (const [v, healthy] of [
      ['1.1.0', true],
      ['1.2.0', false],
    ] as const)
      cars[v] = await buildFixtureCar(join(root, v), {
        id: ID,
        version: v,
        isolation: 'in-process',
        source: source(v, healthy),
      });
    server = await createManagementServer({
      dataDir: join(root, 'data'),
      sources: [`file:${src}`],
      config: {
        ...DEFAULT_KERNEL_CONFIG,
        isolation: { ...DEFAULT_KERNEL_CONFIG.isolation, default: 'in-process' },
        confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [ID] },
      },
    });
    await server.start();
    admin = createAdminServer({
      runtime: server.runtime,
      logger: false,
      auth: {
        tokens: {
          [TOKENS.admin]: { id: 'alice', roles: ['admin'] },
          [TOKENS.viewer]: { id: 'vera', roles: ['viewer'] },
        },
      },
    });
    for (const id of ['pool-1', 'pool-2']) {
      const created = await inject('POST', '/api/resources', {
        id,
        kind: 'pool',
        driverId: ID,
        properties: { mVip: '10.0.0.1', password: 'hunter2' },
      });
      expect(created.statusCode, created.body).toBe(201);
    }
    await install('1.1.0');
    await install('1.2.0');
  });
  afterAll(async () => {
    await admin?.close();
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('answers 202 with the status and a Location while the upgrade runs, then follows it to succeeded', async () => {
    let open!: () => void;
    g.__asyncGate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const res = await inject('POST', `/api/drivers/${ID}/upgrade`, { version: '1.1.0' }, true);
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({
      action: 'upgrade',
      driverId: ID,
      from: '1.0.0',
      to: '1.1.0',
      state: 'running',
      href: `/api/upgrades/${body.id}`,
      progress: { moved: 0, total: 2 },
    });
    expect(res.headers.location).toBe(body.href);
    expect(problems(body)).toEqual([]);
    expect(res.headers['preference-applied']).toBe('respond-async');
    // Still running: the first resource's migrate waits for the gate.
    const mid = await admin.app.inject({ url: body.href, headers: as('viewer') });
    expect(mid.json()).toMatchObject({ id: body.id, state: 'running' });
    open();
    const done = await follow(body.href);
    expect(done).toMatchObject({
      id: body.id,
      state: 'succeeded',
      progress: { moved: 2, total: 2 },
      record: { id: body.id, result: 'succeeded', to: '1.1.0' },
    });
    expect(done.finishedAt).toBeDefined();
    expect(server.runtime.getDriver(ID).activeVersion).toBe('1.1.0');
    // The same record is in the history.
    const history = (await inject('GET', `/api/upgrades?driverId=${ID}`)).json() as {
      id: string;
    }[];
    expect(history.map((h) => h.id)).toContain(body.id);
  });

  it('a failed upgrade ends rolled back with its typed code; a rollback is accepted the same way', async () => {
    g.__asyncGate = Promise.resolve();
    const res = await inject('POST', `/api/drivers/${ID}/upgrade`, { version: '1.2.0' }, true);
    expect(res.statusCode, res.body).toBe(202);
    const done = await follow(res.json().href);
    expect(done).toMatchObject({
      state: 'rolled-back',
      error: { code: 'CHASSIS_E_UPGRADE_HEALTH_FAILED' },
    });
    expect(server.runtime.getDriver(ID).activeVersion).toBe('1.1.0');
    const back = await inject('POST', `/api/drivers/${ID}/rollback`, { to: '1.0.0' }, true);
    expect(back.statusCode, back.body).toBe(202);
    expect(back.json()).toMatchObject({ action: 'rollback', from: '1.1.0', to: '1.0.0' });
    expect(await follow(back.json().href)).toMatchObject({ state: 'succeeded' });
  });

  it('refuses before accepting exactly as the synchronous call; without the header it still waits', async () => {
    g.__asyncGate = Promise.resolve();
    const same = await inject('POST', `/api/drivers/${ID}/upgrade`, { version: '1.0.0' }, true);
    expect([same.statusCode, same.json().code]).toEqual([409, 'CHASSIS_E_UPGRADE_SAME_VERSION']);
    const kept = await inject('POST', `/api/drivers/${ID}/rollback`, { to: '0.9.0' }, true);
    expect([kept.statusCode, kept.json().code]).toEqual([
      404,
      'CHASSIS_E_UPGRADE_VERSION_NOT_KEPT',
    ]);
    const sync = await inject('POST', `/api/drivers/${ID}/upgrade`, { version: '1.1.0' });
    expect(sync.statusCode).toBe(200);
    expect(sync.json()).toMatchObject({ result: 'succeeded', to: '1.1.0' });
    expect(sync.headers.location).toBeUndefined();
  });

  it('an unknown id is a typed 404; reading one needs only upgrades.read', async () => {
    for (const id of ['no-such-upgrade', 'bad%20id', 'a%2Fb']) {
      const res = await admin.app.inject({ url: `/api/upgrades/${id}`, headers: as('viewer') });
      expect([res.statusCode, res.json().code], id).toEqual([404, 'CHASSIS_E_UPGRADE_NOT_FOUND']);
    }
    const anonymous = await admin.app.inject({ url: '/api/upgrades/x' });
    expect(anonymous.statusCode).toBe(401);
  });
});
