import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
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

const digests = async (dir: string) =>
  (await readdir(dir).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{64}$/.test(n));

describe('leftovers of crashes and refusals', () => {
  it('sweeps upload temp files left by a kill -9 at start, under the data directory only', async () => {
    const root = await mkdtemp(join(tmpdir(), 'chassis-leftovers-'));
    dirs.push(root);
    const dataDir = join(root, 'data');
    // What a server killed mid-upload leaves behind.
    const cut = join(dataDir, 'uploads', 'chassis-upload-dead');
    await mkdir(cut, { recursive: true });
    await writeFile(join(cut, 'upload.car'), 'partial');
    const server = await createManagementServer({ dataDir });
    servers.push(server);
    await server.start();
    expect(server.runtime.uploadDir).toBe(join(dataDir, 'uploads'));
    expect(await readdir(join(dataDir, 'uploads'))).toEqual([]);
  });

  it('a refused install leaves no extracted CAR in the cache', async () => {
    const root = await mkdtemp(join(tmpdir(), 'chassis-leftovers-'));
    dirs.push(root);
    const dataDir = join(root, 'data');
    const good = await buildFixtureCar(join(root, 'cars'), { id: ID, version: '1.0.0' });
    const bad = await buildFixtureCar(join(root, 'bad'), {
      id: 'com.example.broken',
      version: '1.0.0',
      source: `export default { provides: { 'storage.primary': {} }, start() { throw new Error('refuses to start'); } };`,
    });
    const server = await createManagementServer({ dataDir });
    servers.push(server);
    await server.start();
    await server.runtime.install({ kind: 'file', path: good }, admin);
    const cache = join(dataDir, 'cache');
    expect(await digests(cache)).toHaveLength(1);
    await expect(server.runtime.install({ kind: 'file', path: bad }, admin)).rejects.toMatchObject({
      code: 'CHASSIS_E_UPGRADE_START_FAILED',
    });
    // A second install of an installed version is refused after extraction too.
    const again = await buildFixtureCar(join(root, 'again'), {
      id: ID,
      version: '1.0.0',
      source: 'export default { provides: {} };',
    });
    await expect(server.runtime.install({ kind: 'file', path: again }, admin)).rejects.toMatchObject(
      { code: 'CHASSIS_E_UPGRADE_SAME_VERSION' },
    );
    await expect.poll(async () => (await digests(cache)).length, { timeout: 10_000 }).toBe(1);
  });
});
