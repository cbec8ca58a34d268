import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { afterAll, describe, expect, it } from 'vitest';
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
