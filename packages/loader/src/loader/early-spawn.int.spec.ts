import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractCar, packCar, readCar, readCarEntries, writeCar } from '@chassis/car';
import { ChassisError } from '@chassis/kernel';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../__fixtures__/evil-driver.js';
import { ECHO_DRIVER, tempRoot, writeDriver } from '../__fixtures__/make-driver.js';
import { CarCache, type CarReader } from '../cache/car-cache.js';
import { DriverLoader } from './driver-loader.js';

const ctx = {
  properties: {},
  resource: { id: 'r-1', kind: 'pool', category: 'storage', driverId: 'x' },
};

/** Tries to read its own file and `p`, and to write its own file. */
const REACH = `
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
const OWN = fileURLToPath(import.meta.url);
const r = (f) => { try { f(); return 'ok'; } catch (e) { return e.code ?? e.message; } };
export default { provides: { 'test.echo': {
  reach(c, p) { return { own: r(() => fs.readFileSync(OWN)), beside: r(() => fs.readFileSync(p)), write: r(() => fs.appendFileSync(OWN, 'x')) }; },
} } };
`;

/** Answers with the pid of the process it runs in. */
const PID = `export default { provides: { 'test.echo': { pid: () => process.pid } } };\n`;

/** Pids of this process's running guest children (process tier). */
async function guests(): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || Number(fields[1]) !== process.pid) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('--chassis-channel-fd')) out.push(Number(name));
  }
  return out;
}

/**
 * `loadCar` spawns the worker/process environment from the CAR's head while the cache verifies
 * and extracts it (issue 14): the confined process is spawned before its CAR folder exists and
 * still loads from it; a failed verification disposes the pre-spawned environment (no child,
 * no scratch folder left) and reports the same typed error as the cache alone.
 */
describe('loadCar: the environment is spawned during extraction', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let car: string;
  let noManifest: string;
  let reachCar: string;
  let pidCar: string;

  beforeAll(async () => {
    root = await tempRoot();
    const dir = await writeDriver(join(root.dir, 'src'), {
      id: 'com.example.early',
      code: ECHO_DRIVER,
    });
    car = join(root.dir, 'early.car');
    await packCar(dir, { out: car });
    const entries = await readCarEntries(car);
    entries.delete('META-INF/MANIFEST.MF');
    const reach = await writeDriver(join(root.dir, 'src'), {
      id: 'com.example.reach',
      code: REACH,
    });
    reachCar = join(root.dir, 'reach.car');
    await packCar(reach, { out: reachCar });
    const pid = await writeDriver(join(root.dir, 'src'), { id: 'com.example.pid', code: PID });
    pidCar = join(root.dir, 'pid.car');
    await packCar(pid, { out: pidCar });
    noManifest = join(root.dir, 'no-manifest.car');
    await writeCar(entries, noManifest);
  });
  afterAll(() => root.cleanup());

  for (const tier of ['worker', 'process'] as const) {
    it(`${tier} tier: loads and answers from the CAR folder named by its digest`, async () => {
      const cacheDir = join(root.dir, `cache-${tier}`);
      const loader = new DriverLoader({ kernelContainer: new Container(), defaultTier: tier });
      const l = await loader.loadCar(car, new CarCache(cacheDir));
      try {
        expect(l.dir).toBe(join(cacheDir, l.sha256 ?? ''));
        await l.handle.start();
        expect(await l.handle.invoke('test.echo', 'echo', ctx, ['hi'])).toBe('hi');
        // A restart spawns afresh (the pre-spawned environment served the first load only).
        await l.handle.restart();
        expect(await l.handle.invoke('test.echo', 'echo', ctx, ['again'])).toBe('again');
      } finally {
        await l.handle.dispose();
      }
    });
  }

  it('process tier: confined to its digest folder exactly as before (spawned before it existed)', async () => {
    const cacheDir = join(root.dir, 'cache-reach');
    await mkdir(cacheDir, { recursive: true });
    const beside = join(cacheDir, 'beside.txt');
    await writeFile(beside, 'not the driver');
    // The real reader, extracting only once the confined child exists: its grant names a
    // folder that is not there yet at its start.
    const reader: CarReader = {
      readCar,
      async extractCar(file, dest, options) {
        await readCar(file, options); // hands the head over: the child is spawned
        expect(await until(async () => (await guests()).length > 0, 10_000)).toBe(true);
        return extractCar(file, dest, { ...options, onHead: undefined });
      },
    };
    const loader = new DriverLoader({ kernelContainer: new Container(), defaultTier: 'process' });
    const l = await loader.loadCar(reachCar, new CarCache(cacheDir, {}, undefined, reader));
    try {
      await l.handle.start();
      expect(await l.handle.invoke('test.echo', 'reach', ctx, [beside])).toEqual({
        own: 'ok',
        beside: 'ERR_ACCESS_DENIED',
        write: 'ERR_ACCESS_DENIED',
      });
    } finally {
      await l.handle.dispose();
    }
  });

  it('a CAR that fails verification: same typed error, the pre-spawned child is gone', async () => {
    const scratchRoot = join(root.dir, 'scratch-bad');
    const loader = new DriverLoader({
      kernelContainer: new Container(),
      defaultTier: 'process',
      scratchRoot,
    });
    const alone = await new CarCache(join(root.dir, 'cache-alone'))
      .ensure(noManifest)
      .catch((e) => e);
    const err = await loader
      .loadCar(noManifest, new CarCache(join(root.dir, 'cache-bad')))
      .catch((e) => e);
    expect(ChassisError.is(err)).toBe(true);
    expect(err.code).toBe('CHASSIS_E_CAR_MANIFEST_MISSING');
    expect(err.code).toBe(alone.code);
    expect(await until(async () => (await guests()).length === 0, 10_000)).toBe(true);
    expect(await readdir(scratchRoot).catch(() => [])).toEqual([]);
  });

  it('a failure after the head was read: the child that was spawned is disposed', async () => {
    const scratchRoot = join(root.dir, 'scratch-late');
    let seen = 0;
    // The real reader, failing after a complete extraction once the pre-spawned child exists.
    const reader: CarReader = {
      readCar,
      async extractCar(file, dest, options) {
        const archive = await extractCar(file, dest, options);
        const spawned = async () => {
          seen = (await guests()).length;
          return seen > 0;
        };
        expect(await until(spawned, 10_000)).toBe(true);
        await rm(dest, { recursive: true, force: true });
        throw new ChassisError(
          'CHASSIS_E_CAR_MANIFEST_MISSING_FILE',
          `late failure of ${archive.file}`,
        );
      },
    };
    const loader = new DriverLoader({
      kernelContainer: new Container(),
      defaultTier: 'process',
      scratchRoot,
    });
    const cache = new CarCache(join(root.dir, 'cache-late'), {}, undefined, reader);
    const err = await loader.loadCar(car, cache).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_CAR_MANIFEST_MISSING_FILE');
    expect(seen).toBe(1);
    expect(await until(async () => (await guests()).length === 0, 10_000)).toBe(true);
    expect(await readdir(scratchRoot)).toEqual([]);
  });

  it('openCar: the opener owns the early child until loadCached takes it (same pid) or ends it', async () => {
    const scratchRoot = join(root.dir, 'scratch-open');
    const loader = new DriverLoader({
      kernelContainer: new Container(),
      defaultTier: 'process',
      scratchRoot,
    });
    const cache = new CarCache(join(root.dir, 'cache-open'));
    const opened = await loader.openCar(pidCar, cache);
    expect(await opened.pending.held()).toBe(true);
    const early = await guests();
    expect(early).toHaveLength(1);
    const l = await loader.loadCached(opened);
    try {
      expect(opened.pending.used).toBe(true);
      await opened.pending.dispose(); // the opener's finally: a no-op once taken
      await l.handle.start();
      expect(await l.handle.invoke('test.echo', 'pid', ctx, [])).toBe(early[0]);
    } finally {
      await l.handle.dispose();
    }
    expect(await until(async () => (await guests()).length === 0, 10_000)).toBe(true);
    // Opened again (its cached extraction is checked, not redone), then abandoned by the opener.
    const again = await loader.openCar(pidCar, cache, { sha256: l.sha256 ?? '' });
    expect(await again.pending.held()).toBe(true);
    expect(await guests()).toHaveLength(1);
    await again.pending.dispose();
    expect(again.pending.used).toBe(false);
    expect(await until(async () => (await guests()).length === 0, 10_000)).toBe(true);
    expect(await readdir(scratchRoot)).toEqual([]);
  });
});
