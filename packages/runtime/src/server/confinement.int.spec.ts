import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureCar } from '../testing/driver-fixture.js';
import { createManagementServer } from './management-server.js';

const admin = { id: 'alice', roles: ['admin'] };
const ID = 'com.example.evil';
const SOURCE = `import fs from 'node:fs';
const tryRead = (f) => { try { return fs.readdirSync(f).join(','); } catch (e) { return 'ERR ' + e.code; } };
export default { provides: { 'storage.primary': {
  whoami: () => globalThis.owned ?? 'pristine',
  steal: (ctx, dataDir) => ({ key: tryRead(dataDir + '/cars'), env: process.env.CHASSIS_SECRET_KEY ?? null }),
} } };
`;

/** The trust boundary through the real runtime: data dir, host env, cache tampering, limits. */
describe('confined drivers in a management server', () => {
  const roots: string[] = [];
  const saved = process.env.CHASSIS_SECRET_KEY;
  afterAll(async () => {
    if (saved === undefined) delete process.env.CHASSIS_SECRET_KEY;
    else process.env.CHASSIS_SECRET_KEY = saved;
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  async function setup(trusted: string[]) {
    const root = await mkdtemp(join(tmpdir(), 'chassis-confine-'));
    roots.push(root);
    const car = await buildFixtureCar(join(root, 'repo'), {
      id: ID,
      version: '1.0.0',
      isolation: 'worker',
      source: SOURCE,
    });
    const dataDir = join(root, 'data');
    const config = {
      ...DEFAULT_KERNEL_CONFIG,
      confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted, heapMb: 128 },
    };
    const boot = () => createManagementServer({ dataDir, config });
    return { car, dataDir, boot };
  }

  async function steal(
    server: Awaited<ReturnType<Awaited<ReturnType<typeof setup>>['boot']>>,
    dataDir: string,
  ) {
    await server.runtime
      .createResource(
        { id: 'p', kind: 'pool', driverId: ID, properties: { mVip: '10.0.0.1', password: 'pw' } },
        admin,
      )
      .catch(() => undefined);
    return server.runtime.router.call<{ key: string; env: string | null }>(
      'p',
      'storage.primary',
      'steal',
      [dataDir],
    );
  }

  it('an untrusted driver cannot read the data dir (kept CARs) or the host secret key; a trusted worker can (positive control)', async () => {
    process.env.CHASSIS_SECRET_KEY = randomBytes(32).toString('base64');
    for (const [trusted, tier, key] of [
      [[], 'process', 'ERR ERR_ACCESS_DENIED'],
      [['com.example.'], 'worker', 'readable'],
    ] as const) {
      const s = await setup([...trusted]);
      const server = await s.boot();
      await server.start();
      await server.runtime.install({ kind: 'file', path: s.car }, admin);
      const v = server.runtime.listDrivers()[0]?.versions[0];
      expect(v?.tier).toBe(tier);
      expect(v?.limits).toEqual({
        heapMb: 128,
        maxMessageBytes: 16 * 1024 * 1024,
        env: [],
        permissions: { childProcess: false, worker: false, addons: false, read: [] },
      });
      const got = await steal(server, s.dataDir);
      expect(got.env).toBeNull();
      expect(key === 'readable' ? got.key.length > 0 && !got.key.startsWith('ERR') : got.key).toBe(
        key === 'readable' ? true : key,
      );
      await server.stop();
    }
  });

  it('a tampered cache entry is re-extracted before the next load, so what runs is what was installed', async () => {
    const s = await setup([]);
    let server = await s.boot();
    await server.start();
    await server.runtime.install({ kind: 'file', path: s.car }, admin);
    await server.stop();
    const cache = join(s.dataDir, 'cache');
    const [digest] = (await readdir(cache)).filter((n) => /^[0-9a-f]{64}$/.test(n));
    await appendFile(
      join(cache, String(digest), 'classes', 'index.js'),
      "\nglobalThis.owned = 'owned';\n",
    );
    server = await s.boot();
    await server.start();
    await server.runtime
      .createResource(
        { id: 'p', kind: 'pool', driverId: ID, properties: { mVip: '10.0.0.1', password: 'pw' } },
        admin,
      )
      .catch(() => undefined);
    expect(await server.runtime.router.call('p', 'storage.primary', 'whoami', [])).toBe('pristine');
    await server.stop();
  });
});

/**
 * The loader's evil-driver cells (`confine/evil-driver.int.spec.ts`), black-box through a real
 * management server: one confined (process-tier) driver and one trusted worker-tier driver (the
 * positive control) each try the data dir's secret key and admin token, the host's
 * `CHASSIS_SECRET_KEY`, another driver's cache folder and a child process, from `start()` and
 * from an operation.
 */
const EVIL = `import fs from 'node:fs';
import cp from 'node:child_process';
const attempt = (f) => { try { return { ok: true, v: f() }; } catch (e) { return { ok: false, code: e.code ?? e.message }; } };
const attemptAll = (t) => ({
  readSecretKey: attempt(() => fs.readFileSync(t.secretKey, 'utf8').length > 0),
  readAdminToken: attempt(() => fs.readFileSync(t.adminToken, 'utf8')),
  secretEnv: attempt(() => process.env.CHASSIS_SECRET_KEY ?? null),
  allowedEnv: attempt(() => typeof process.env.EVIL_TARGETS),
  writeOther: attempt(() => { fs.appendFileSync(t.other, '\\n// owned'); return true; }),
  child: attempt(() => cp.spawnSync('/bin/true').status),
});
let fromStart;
export default {
  start() { fromStart = attemptAll(JSON.parse(process.env.EVIL_TARGETS ?? '{}')); },
  provides: { 'storage.primary': {
    fromStart: () => fromStart,
    attempts: (ctx, t) => attemptAll(t),
  } },
};
`;

type Attempt = { ok: boolean; v?: unknown; code?: string };

describe('evil drivers through a management server', () => {
  const saved = { key: process.env.CHASSIS_SECRET_KEY, targets: process.env.EVIL_TARGETS };
  let root: string;
  let server: Awaited<ReturnType<typeof createManagementServer>>;
  let targets: Record<string, string>;
  const drivers = [
    { id: 'com.evil.p', tier: 'process', pool: 'pp' },
    { id: 'com.trusted.w', tier: 'worker', pool: 'pw' },
  ] as const;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-evil-server-'));
    const dataDir = join(root, 'data');
    await mkdir(dataDir, { recursive: true });
    // What the admin package writes at first start; the runtime itself does not create it.
    await writeFile(join(dataDir, 'admin-token'), 'the-admin-token\n');
    // Unset at boot, so the server generates `<dataDir>/secret.key`; set afterwards, so the host
    // environment the drivers are started from holds a secret too.
    delete process.env.CHASSIS_SECRET_KEY;
    server = await createManagementServer({
      dataDir,
      config: {
        ...DEFAULT_KERNEL_CONFIG,
        confinement: {
          ...DEFAULT_KERNEL_CONFIG.confinement,
          trusted: ['com.trusted.'],
          drivers: {
            'com.evil.p': { env: ['EVIL_TARGETS'] },
            'com.trusted.w': { env: ['EVIL_TARGETS'] },
          },
        },
      },
    });
    await server.start();
    process.env.CHASSIS_SECRET_KEY = randomBytes(32).toString('base64');
    // The victim: installed first so its cache folder exists before the evil drivers start.
    const victim = await buildFixtureCar(join(root, 'repo'), {
      id: 'com.victim.v',
      version: '1.0.0',
      isolation: 'worker',
    });
    await server.runtime.install({ kind: 'file', path: victim }, admin);
    const cache = join(dataDir, 'cache');
    const [digest] = (await readdir(cache)).filter((n) => /^[0-9a-f]{64}$/.test(n));
    targets = {
      secretKey: join(dataDir, 'secret.key'),
      adminToken: join(dataDir, 'admin-token'),
      other: join(cache, String(digest), 'classes', 'index.js'),
    };
    // Positive control for the targets themselves: they exist and the host can read them.
    for (const f of Object.values(targets)) expect((await readFile(f)).length).toBeGreaterThan(0);
    process.env.EVIL_TARGETS = JSON.stringify(targets);
    for (const d of drivers) {
      const car = await buildFixtureCar(join(root, 'repo'), {
        id: d.id,
        version: '1.0.0',
        isolation: 'worker',
        source: EVIL,
      });
      await server.runtime.install({ kind: 'file', path: car }, admin);
      await server.runtime
        .createResource(
          {
            id: d.pool,
            kind: 'pool',
            driverId: d.id,
            properties: { mVip: '10.0.0.1', password: 'pw' },
          },
          admin,
        )
        .catch(() => undefined);
    }
  });
  afterAll(async () => {
    await server?.stop();
    for (const [k, v] of [
      ['CHASSIS_SECRET_KEY', saved.key],
      ['EVIL_TARGETS', saved.targets],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (root) await rm(root, { recursive: true, force: true });
  });

  it.each(
    drivers.flatMap((d) => (['start', 'operation'] as const).map((from) => ({ ...d, from }))),
  )(
    '$tier tier ($id): data dir, host secret, other driver, child process — from $from',
    async ({ id, tier, pool, from }) => {
      const v = server.runtime.listDrivers().find((x) => x.id === id)?.versions[0];
      expect(v?.tier).toBe(tier);
      const r = await server.runtime.router.call<Record<string, Attempt>>(
        pool,
        'storage.primary',
        from === 'start' ? 'fromStart' : 'attempts',
        from === 'start' ? [] : [targets],
      );
      // The host secret never crosses in either tier; the allow-listed variable does (control).
      expect(r.secretEnv).toEqual({ ok: true, v: null });
      expect(r.allowedEnv).toEqual({ ok: true, v: 'string' });
      const confined = tier === 'process';
      for (const cell of ['readSecretKey', 'readAdminToken', 'writeOther', 'child']) {
        // Process: refused by the permission model. Worker: the positive control, it succeeds.
        expect({ cell, ok: r[cell]?.ok }).toEqual({ cell, ok: !confined });
        if (confined)
          expect({ cell, code: r[cell]?.code }).toEqual({ cell, code: 'ERR_ACCESS_DENIED' });
      }
      if (!confined) expect(r.readAdminToken?.v).toBe('the-admin-token\n');
    },
  );
});
