import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateStoreConformance } from '@chassis/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryStateStore } from './directory-state-store.js';

const dirs: string[] = [];
async function fresh(): Promise<DirectoryStateStore> {
  const dir = await mkdtemp(join(tmpdir(), 'chassis-state-'));
  dirs.push(dir);
  return new DirectoryStateStore(dir);
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('DirectoryStateStore conformance', () => {
  for (const c of stateStoreConformance) it(c.name, async () => c.run(await fresh()));
});

describe('DirectoryStateStore on disk', () => {
  it('is read back by a new instance (restart)', async () => {
    const a = await fresh();
    await a.put('installed/com.example.x', { version: '1.0.0' }, 0);
    const b = new DirectoryStateStore(a.dir);
    expect((await b.get('installed/com.example.x'))?.value).toEqual({ version: '1.0.0' });
  });

  it('two instances on one directory keep compare-and-set between them', async () => {
    const a = await fresh();
    const b = new DirectoryStateStore(a.dir);
    await a.put('k', 1, 0);
    await b.put('k', 2, 1);
    await expect(a.put('k', 3, 1)).rejects.toMatchObject({ code: 'CHASSIS_E_STATE_CONFLICT' });
  });

  it('removes temporary files of killed writers and breaks locks of dead owners', async () => {
    const a = await fresh();
    await a.put('k', 1, 0);
    await writeFile(join(a.dir, 'k.json.999.dead.tmp'), '{"torn');
    await writeFile(join(a.dir, 'k.json.lock'), '999999999');
    const b = new DirectoryStateStore(a.dir);
    await b.put('k', 2, 1);
    expect((await readdir(a.dir)).sort()).toEqual(['k.json']);
  });

  it('reports a corrupt record with CHASSIS_E_STATE_CORRUPT', async () => {
    const a = await fresh();
    await a.get('x');
    await writeFile(join(a.dir, 'x.json'), '{nope');
    await expect(a.get('x')).rejects.toMatchObject({ code: 'CHASSIS_E_STATE_CORRUPT' });
  });
});
