import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeOptions, tempRepository, writeFakeCar } from '../__fixtures__/fake-repo.js';
import { addCar } from '../repo/add.js';
import { indexRepository } from '../repo/index-repository.js';
import { loadOrCreateRoleKeys } from '../repo/keys-store.js';
import { buildRoot, expiresAt, metadataBytes } from '../repo/metadata.js';
import { RepositoryClient } from './client.js';

let dir: string;
let cleanup: () => Promise<void>;
let repo: string;
let keys: string;
let c: RepositoryClient;

async function trustedState(): Promise<Record<string, string>> {
  const meta = join(dir, 'cache', 'metadata');
  const out: Record<string, string> = {};
  for (const name of (await readdir(meta)).sort())
    out[name] = await readFile(join(meta, name), 'utf8');
  return out;
}

/** Runs `attack` against a client that already trusts the repository, expecting `code`. */
async function expectRefused(code: string, attack: () => Promise<void>): Promise<void> {
  const before = await trustedState();
  const listed = c.list();
  await attack();
  const err = await c.refresh().catch((e) => e);
  expect(ChassisError.is(err)).toBe(true);
  expect(err.code).toBe(code);
  expect(await trustedState()).toEqual(before);
  expect(c.list()).toEqual(listed);
  // The cache is still usable by a fresh process: nothing half-committed.
  expect(await readdir(join(dir, 'cache'))).toEqual(['metadata']);
}

const read = (name: string) => readFile(join(repo, name), 'utf8');
const write = (name: string, text: string) => writeFile(join(repo, name), text);

beforeEach(async () => {
  let rootFile: string;
  ({ dir, cleanup, repo, keys, rootFile } = await tempRepository());
  await addCar(repo, await writeFakeCar(dir, { id: 'a.b', version: '1.0.0' }), fakeOptions(keys));
  c = new RepositoryClient({ url: repo, trustedRoot: rootFile, cacheDir: join(dir, 'cache') });
  await c.refresh();
});
afterEach(() => cleanup());

describe('TUF attacks are refused with a typed code and the trusted state unchanged', () => {
  it('metadata rollback: an older timestamp', async () => {
    const old = await read('timestamp.json');
    await addCar(repo, await writeFakeCar(dir, { id: 'a.b', version: '1.1.0' }), fakeOptions(keys));
    await c.refresh();
    await expectRefused('CHASSIS_E_REPO_ROLLBACK', () => write('timestamp.json', old));
  });

  it('freeze: an expired timestamp', async () => {
    const past = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    await expectRefused('CHASSIS_E_REPO_FREEZE', async () => {
      await indexRepository(repo, { ...fakeOptions(keys), now: past });
    });
  });

  it('freeze: a fresh timestamp over an expired snapshot', async () => {
    await expectRefused('CHASSIS_E_REPO_FREEZE', async () => {
      await indexRepository(repo, { ...fakeOptions(keys), expires: { snapshot: -60 } });
    });
  });

  it('mix-and-match: an older (validly signed) snapshot under the new name', async () => {
    await expectRefused('CHASSIS_E_REPO_MIX_AND_MATCH', async () => {
      await indexRepository(repo, fakeOptions(keys));
      await copyFile(join(repo, '2.snapshot.json'), join(repo, '3.snapshot.json'));
    });
  });

  it('mix-and-match: older targets under the version the snapshot names', async () => {
    await expectRefused('CHASSIS_E_REPO_MIX_AND_MATCH', async () => {
      await indexRepository(repo, fakeOptions(keys));
      await copyFile(join(repo, '2.targets.json'), join(repo, '3.targets.json'));
    });
  });

  it('endless data: an oversized timestamp', async () => {
    await expectRefused('CHASSIS_E_REPO_TARGET_TOO_LARGE', async () => {
      const ts = JSON.parse(await read('timestamp.json'));
      ts.padding = 'x'.repeat(64 * 1024);
      await write('timestamp.json', JSON.stringify(ts));
    });
  });

  it('bad signature: a timestamp edited without its key', async () => {
    await expectRefused('CHASSIS_E_REPO_METADATA_INVALID', async () => {
      await indexRepository(repo, fakeOptions(keys));
      const ts = JSON.parse(await read('timestamp.json'));
      ts.signed.expires = '2099-01-01T00:00:00Z';
      await write('timestamp.json', JSON.stringify(ts));
    });
  });

  it('bad signature: a CAR slipped into targets without the targets key', async () => {
    await expectRefused('CHASSIS_E_REPO_METADATA_INVALID', async () => {
      await indexRepository(repo, fakeOptions(keys));
      const t = JSON.parse(await read('3.targets.json'));
      const [path, info] = Object.entries(t.signed.targets)[0] as [string, { length: number }];
      info.length += 1;
      t.signed.targets[path] = info;
      await write('3.targets.json', JSON.stringify(t));
    });
  });

  it('bad signature: a new root signed only by keys the client never trusted', async () => {
    await expectRefused('CHASSIS_E_REPO_METADATA_INVALID', async () => {
      const rogue = await loadOrCreateRoleKeys(join(dir, 'rogue-keys'));
      const root = buildRoot(rogue, 2, expiresAt(new Date(), 3600));
      await write('2.root.json', metadataBytes(root));
    });
  });

  it('half-synced mirror: timestamp copied before the snapshot it names', async () => {
    await expectRefused('CHASSIS_E_REPO_MIRROR_INCOMPLETE', async () => {
      await indexRepository(repo, fakeOptions(keys));
      await rm(join(repo, '3.snapshot.json'));
    });
  });

  it('half-synced mirror: metadata without the CAR it lists', async () => {
    await addCar(repo, await writeFakeCar(dir, { id: 'a.b', version: '2.0.0' }), fakeOptions(keys));
    const entry = (await c.refresh()).find((d) => d.version === '2.0.0')!;
    // Clients fetch the consistent (hash-prefixed) name.
    await rm(join(repo, 'cars', `${entry.sha256}.${entry.sha256}.car`));
    const err = await c.download('a.b', '2.0.0', join(dir, 'x.car')).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_REPO_MIRROR_INCOMPLETE');
  });

  it('client CAR limit: refuses a target larger than maxCarBytes before downloading', async () => {
    const small = new RepositoryClient({
      url: repo,
      trustedRoot: join(repo, '1.root.json'),
      cacheDir: join(dir, 'small'),
      limits: { maxCarBytes: 10 },
    });
    await small.refresh();
    const err = await small.download('a.b', '1.0.0', join(dir, 'x.car')).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_REPO_TARGET_TOO_LARGE');
  });

  it('an untrustworthy trusted root is refused up front', async () => {
    await writeFile(join(dir, 'bogus.json'), '{"signed":{}}');
    const bogus = new RepositoryClient({
      url: repo,
      trustedRoot: join(dir, 'bogus.json'),
      cacheDir: join(dir, 'bogus'),
    });
    expect((await bogus.refresh().catch((e) => e)).code).toBe('CHASSIS_E_REPO_METADATA_INVALID');
  });
});
