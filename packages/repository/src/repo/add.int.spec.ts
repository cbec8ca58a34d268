import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempRepository } from '../__fixtures__/fake-repo.js';
import { writeRealCar } from '../__fixtures__/real-car.js';
import { RepositoryClient } from '../tuf/client.js';
import { addCar } from './add.js';

let dir: string;
let cleanup: () => Promise<void>;
let repo: string;
let keys: string;

beforeEach(async () => {
  ({ dir, cleanup, repo, keys } = await tempRepository());
});
afterEach(() => cleanup());

describe('addCar with real CARs (@chassis/car)', () => {
  it('publishes a valid CAR with the data of its driver.yaml', async () => {
    const car = await writeRealCar(dir, 'com.example.nvp', '1.2.0', {
      category: 'network',
      point: 'network.device',
    });
    const entry = await addCar(repo, car, { keysDir: keys });
    expect(entry).toMatchObject({
      id: 'com.example.nvp',
      version: '1.2.0',
      category: 'network',
      signed: false,
      provides: [{ point: 'network.device', version: '^1.0.0' }],
    });
    const c = new RepositoryClient({
      url: repo,
      trustedRoot: join(repo, '1.root.json'),
      cacheDir: join(dir, 'c'),
    });
    expect((await c.refresh()).map((d) => d.id)).toEqual(['com.example.nvp']);
  });

  it('refuses a CAR whose file does not match MANIFEST.MF, with the CAR code, writing nothing', async () => {
    const car = await writeRealCar(dir, 'com.example.bad', '1.0.0', { tamper: true });
    const err = await addCar(repo, car, { keysDir: keys }).catch((e) => e);
    expect(err.code).toMatch(/^CHASSIS_E_CAR_/);
    expect(await readdir(join(repo, 'cars'))).toEqual([]);
  });

  it('refuses a file that is not a CAR', async () => {
    const err = await addCar(repo, join(repo, '1.root.json'), { keysDir: keys }).catch((e) => e);
    expect(err.code).toMatch(/^CHASSIS_E_CAR_/);
    expect(await readdir(join(repo, 'cars'))).toEqual([]);
  });
});
