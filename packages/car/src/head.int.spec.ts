import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleFiles, tempDir, withManifest } from './__fixtures__/driver-project.js';
import type { CarHead } from './limits.js';
import { extractCar, readCar } from './read.js';
import { writeCar } from './writer.js';

/** `onHead`: the digest and driver.yaml, handed over before the rest of the archive is read. */
describe('ReadCarOptions.onHead', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('readCar and extractCar call it once, with the final digest and the parsed descriptor', async () => {
    const file = path.join(tmp.dir, 'ok.car');
    await writeCar(withManifest(sampleFiles()), file);
    for (const read of [
      (onHead: (h: CarHead) => void) => readCar(file, { onHead }),
      (onHead: (h: CarHead) => void) =>
        extractCar(file, path.join(tmp.dir, `x-${Math.random()}`), { onHead }),
    ]) {
      const heads: CarHead[] = [];
      const car = await read((h) => heads.push(h));
      expect(heads).toHaveLength(1);
      expect(heads[0]?.sha256).toBe(car.sha256);
      expect(heads[0]?.descriptor).toEqual(car.descriptor);
    }
  });

  it('a driver.yaml that does not parse is not handed over; the read fails as without it', async () => {
    const files = sampleFiles();
    files.set('driver.yaml', Buffer.from('id: [not, a, descriptor\n'));
    const file = path.join(tmp.dir, 'bad.car');
    await writeCar(withManifest(files), file);
    const heads: CarHead[] = [];
    const dest = path.join(tmp.dir, 'bad-out');
    const err = await extractCar(file, dest, { onHead: (h) => heads.push(h) }).catch((e) => e);
    const plain = await readCar(file).catch((e) => e);
    expect(err.code).toBe(plain.code);
    expect(heads).toEqual([]);
    expect(existsSync(dest)).toBe(false);
  });
});
