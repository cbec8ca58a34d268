import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeOptions, tempRepository, writeFakeCar } from '../__fixtures__/fake-repo.js';
import { addCar, addCars } from '../repo/add.js';
import { indexRepository } from '../repo/index-repository.js';
import { initRepository } from '../repo/init.js';
import { rotateRootKey } from '../repo/rotate.js';
import { RepositoryClient } from './client.js';

let dir: string;
let cleanup: () => Promise<void>;
let repo: string;
let keys: string;
let rootFile: string;

beforeEach(async () => {
  ({ dir, cleanup, repo, keys, rootFile } = await tempRepository());
});
afterEach(() => cleanup());

function client(name = 'cache') {
  return new RepositoryClient({ url: repo, trustedRoot: rootFile, cacheDir: join(dir, name) });
}

describe('repository writer + TUF client (file transport)', () => {
  it('an empty repository refreshes to an empty list', async () => {
    expect(await client().refresh()).toEqual([]);
  });

  it('lists published drivers with their Chassis data and downloads a verified CAR', async () => {
    const car = await writeFakeCar(dir, { id: 'com.example.solidfire', version: '2.1.0' });
    const entry = await addCar(repo, car, fakeOptions(keys));
    expect(entry.path).toBe(`cars/${entry.sha256}.car`);
    const c = client();
    const list = await c.refresh();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: 'com.example.solidfire',
      version: '2.1.0',
      category: 'storage',
      vendor: 'Example Storage Inc.',
      signed: false,
      sha256: entry.sha256,
    });
    const dest = join(dir, 'out', 'sf.car');
    await c.download('com.example.solidfire', '2.1.0', dest);
    expect(await readFile(dest)).toEqual(await readFile(car));
  });

  it('sees new versions after re-index, and the metadata versions move forward', async () => {
    const c = client();
    await c.refresh();
    await addCars(
      repo,
      [
        await writeFakeCar(dir, { id: 'a.b', version: '1.0.0' }),
        await writeFakeCar(dir, { id: 'a.b', version: '1.1.0' }),
      ],
      fakeOptions(keys),
    );
    expect((await c.refresh()).map((d) => d.version)).toEqual(['1.0.0', '1.1.0']);
    const r = await indexRepository(repo, fakeOptions(keys));
    expect(r.timestampVersion).toBe(3);
    expect((await c.refresh()).length).toBe(2);
  });

  it('refuses a failing CAR with its own code and writes nothing', async () => {
    const good = await writeFakeCar(dir, { id: 'a.good', version: '1.0.0' });
    const bad = await writeFakeCar(dir, { id: 'a.bad', version: '1.0.0', corrupt: true });
    const before = await readFile(join(repo, 'timestamp.json'), 'utf8');
    const err = await addCars(repo, [good, bad], fakeOptions(keys)).catch((e) => e);
    expect(ChassisError.is(err, 'CHASSIS_E_CAR_DIGEST_MISMATCH')).toBe(true);
    expect(await readdir(join(repo, 'cars'))).toEqual([]);
    expect(await readFile(join(repo, 'timestamp.json'), 'utf8')).toBe(before);
  });

  it('runs the injected trust hook and refuses what it refuses', async () => {
    const car = await writeFakeCar(dir, { id: 'a.b', version: '1.0.0' });
    const verify = async () => {
      throw new ChassisError('CHASSIS_E_CERT_UNTRUSTED', 'not ours');
    };
    const err = await addCar(repo, car, { ...fakeOptions(keys), verify }).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_CERT_UNTRUSTED');
    expect(await readdir(join(repo, 'cars'))).toEqual([]);
  });

  it('refuses publishing the same id@version with other content', async () => {
    await addCar(repo, await writeFakeCar(dir, { id: 'a.b', version: '1.0.0' }), fakeOptions(keys));
    const other = await writeFakeCar(dir, { id: 'a.b', version: '1.0.0', bytes: 10 });
    const err = await addCar(repo, other, fakeOptions(keys)).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_REPO_DUPLICATE_DRIVER');
  });

  it('keeps keys out of the repository and refuses a second init', async () => {
    const e1 = await initRepository(join(dir, 'r2'), { keysDir: join(dir, 'r2', 'k') }).catch(
      (e) => e,
    );
    expect(e1.code).toBe('CHASSIS_E_REPO_KEYS_INSIDE');
    const e2 = await initRepository(repo, { keysDir: keys }).catch((e) => e);
    expect(e2.code).toBe('CHASSIS_E_REPO_EXISTS');
    expect((await stat(join(keys, 'root.pem'))).mode & 0o077).toBe(0);
  });

  it('follows a root key rotation and keeps working with the new keys', async () => {
    const c = client();
    await c.refresh();
    const rotated = await rotateRootKey(repo, {
      ...fakeOptions(keys),
      roles: ['root', 'timestamp'],
    });
    expect(rotated.rootVersion).toBe(2);
    await addCar(repo, await writeFakeCar(dir, { id: 'a.b', version: '1.0.0' }), fakeOptions(keys));
    expect((await c.refresh()).map((d) => d.id)).toEqual(['a.b']);
    const trusted = JSON.parse((await c.trustedMetadata('root.json')).toString());
    expect(trusted.signed.version).toBe(2);
    // A brand-new client that only knows 1.root.json walks the rotation too.
    expect((await client('fresh').refresh()).length).toBe(1);
  });

  it('reports an unknown driver with a typed code', async () => {
    const err = await client()
      .download('x.y', '1.0.0', join(dir, 'x.car'))
      .catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_REPO_DRIVER_NOT_FOUND');
  });
});
