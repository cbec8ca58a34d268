import { execFile } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packCar } from '@chassis/car';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { fmtMs, report, timeOnce } from '../../../bench/compare.js';
import { writeDriver } from '../src/__fixtures__/make-driver.js';
import { CarCache, createSource, DriverLoader, type LoadedDriver } from '../src/index.js';
import { ECHO, scratch } from './helpers.js';

const run = promisify(execFile);
const COUNT = 200;
const PARALLEL = 8;

/** Runs `fn` over `items` with at most `limit` at once. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

describe(`start ${COUNT} small CARs from a directory`, () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let cars: string;

  beforeAll(async () => {
    root = await scratch();
    cars = join(root.dir, 'cars');
    await mkdir(cars);
    const src = join(root.dir, 'src');
    await pool(
      Array.from({ length: COUNT }, (_, i) => i),
      PARALLEL,
      async (i) => {
        const id = `com.example.small${String(i).padStart(3, '0')}`;
        const dir = await writeDriver(src, {
          id,
          code: ECHO,
          files: { 'lib/dep/index.js': 'module.exports = 1;\n' },
        });
        await packCar(dir, { out: join(cars, `${id}.car`) });
      },
    );
  }, 300_000);
  afterAll(() => root.cleanup());

  it('list + verify + extract + load + start vs unzip of the same files', async () => {
    const names = (await readdir(cars)).sort();
    await mkdir(join(root.dir, 'unzip'));
    const unzip = await timeOnce(() =>
      pool(names, PARALLEL, async (name) => {
        await run('unzip', ['-q', '-o', join(cars, name), '-d', join(root.dir, 'unzip', name)]);
      }),
    );
    const startAll = async (tier: 'in-process' | 'worker' | 'process', cacheDir: string) => {
      const loader = new DriverLoader({ kernelContainer: new Container(), defaultTier: tier });
      const cache = new CarCache(cacheDir);
      const source = createSource(cars);
      const refs = await source.list();
      const loaded = await pool(refs, PARALLEL, async (ref) => {
        const l: LoadedDriver = await loader.loadCar(new URL(ref.url).pathname, cache);
        await l.handle.start();
        return l;
      });
      return { loaded, cache };
    };
    const inProc = await timeOnce(() => startAll('in-process', join(root.dir, 'cache-inproc')));
    const warm = await timeOnce(() => startAll('in-process', join(root.dir, 'cache-inproc')));
    const worker = await timeOnce(() => startAll('worker', join(root.dir, 'cache-worker')));
    await Promise.all(worker.value.loaded.map((l) => l.handle.dispose()));
    const proc = await timeOnce(() => startAll('process', join(root.dir, 'cache-process')));
    await Promise.all(proc.value.loaded.map((l) => l.handle.dispose()));
    report(`start ${COUNT} small CARs (${PARALLEL} at a time)`, [
      ['unzip (baseline)', `${fmtMs(unzip.ms)} total, ${fmtMs(unzip.ms / COUNT)} per CAR`],
      [
        'in-process, cold cache',
        `${fmtMs(inProc.ms)} total, ${fmtMs(inProc.ms / COUNT)} per CAR (${(inProc.ms / unzip.ms).toFixed(2)}×)`,
      ],
      [
        'in-process, warm cache',
        `${fmtMs(warm.ms)} total, ${fmtMs(warm.ms / COUNT)} per CAR (${(warm.ms / unzip.ms).toFixed(2)}×)`,
      ],
      [
        'worker, cold cache',
        `${fmtMs(worker.ms)} total, ${fmtMs(worker.ms / COUNT)} per CAR (${(worker.ms / unzip.ms).toFixed(2)}×)`,
      ],
      [
        'process, cold cache',
        `${fmtMs(proc.ms)} total, ${fmtMs(proc.ms / COUNT)} per CAR (${(proc.ms / unzip.ms).toFixed(2)}×)`,
      ],
      ['target', 'worker ≤ 3× unzip (verify + extract + isolate + start vs plain unzip)'],
    ]);
  }, 600_000);
});
