import { execFile } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { packCar } from '@chassis/car';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { fmtMs, median, report, timeOnce } from '../../../bench/compare.js';
import { writeDriver } from '../src/__fixtures__/make-driver.js';
import { CarCache, createSource, DriverLoader, type LoadedDriver } from '../src/index.js';
import { ECHO, scratch } from './helpers.js';

const run = promisify(execFile);
const COUNT = 200;
const PARALLEL = 8;
/** Alternating rounds of the isolating tiers against unzip (COUNT / ROUNDS CARs each). */
const ROUNDS = 8;

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
    const unzipAll = (slice: readonly string[]) =>
      pool(slice, PARALLEL, async (name) => {
        await run('unzip', ['-q', '-o', join(cars, name), '-d', join(root.dir, 'unzip', name)]);
      });
    const startAll = async (
      tier: 'in-process' | 'worker' | 'process',
      cacheDir: string,
      slice?: readonly string[],
    ) => {
      const loader = new DriverLoader({ kernelContainer: new Container(), defaultTier: tier });
      const cache = new CarCache(cacheDir);
      const source = createSource(cars);
      const refs = (await source.list()).filter(
        (r) => !slice || slice.includes(r.url.slice(r.url.lastIndexOf('/') + 1)),
      );
      const loaded = await pool(refs, PARALLEL, async (ref) => {
        const l: LoadedDriver = await loader.loadCar(new URL(ref.url).pathname, cache);
        await l.handle.start();
        return l;
      });
      return { loaded, cache };
    };
    const unzip = await timeOnce(() => unzipAll(names));
    const inProc = await timeOnce(() => startAll('in-process', join(root.dir, 'cache-inproc')));
    const warm = await timeOnce(() => startAll('in-process', join(root.dir, 'cache-inproc')));
    // The isolating tiers alternate with unzip over slices of the CARs: on a shared machine the
    // load swings within seconds, and each round compares both under the same load.
    const size = COUNT / ROUNDS;
    // The floor of the worker tier: a bare Worker that posts one message and is ended.
    const bareWorkers = (n: number) =>
      pool(Array.from({ length: n }), PARALLEL, async () => {
        const w = new Worker("require('node:worker_threads').parentPort.postMessage(1)", {
          eval: true,
        });
        await new Promise((resolve) => w.once('message', resolve));
        await w.terminate();
      });
    const rounds: { unzip: number; bare: number; worker: number; process: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const slice = names.slice(r * size, (r + 1) * size);
      const u = await timeOnce(() => unzipAll(slice));
      const b = await timeOnce(() => bareWorkers(slice.length));
      const w = await timeOnce(() =>
        startAll('worker', join(root.dir, `cache-worker-${r}`), slice),
      );
      await Promise.all(w.value.loaded.map((l) => l.handle.dispose()));
      const p = await timeOnce(() =>
        startAll('process', join(root.dir, `cache-process-${r}`), slice),
      );
      await Promise.all(p.value.loaded.map((l) => l.handle.dispose()));
      rounds.push({ unzip: u.ms, bare: b.ms, worker: w.ms, process: p.ms });
    }
    const sum = (k: 'unzip' | 'bare' | 'worker' | 'process') =>
      rounds.reduce((a, x) => a + x[k], 0);
    const ratios = (k: 'bare' | 'worker' | 'process') => rounds.map((x) => x[k] / x.unzip);
    const row = (k: 'bare' | 'worker' | 'process'): [string, string] => [
      k === 'bare' ? 'bare Worker start (floor)' : `${k}, cold cache`,
      `${fmtMs(sum(k))} total, ${fmtMs(sum(k) / COUNT)} per CAR; median of ${ROUNDS} rounds ${median(ratios(k)).toFixed(2)}× (rounds: ${ratios(
        k,
      )
        .map((x) => x.toFixed(2))
        .join(', ')})`,
    ];
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
        'unzip, in the rounds',
        `${fmtMs(sum('unzip'))} total, ${fmtMs(sum('unzip') / COUNT)} per CAR`,
      ],
      row('bare'),
      row('worker'),
      [
        'worker vs bare Worker',
        `median ${median(rounds.map((x) => x.worker / x.bare)).toFixed(2)}× (what the tier adds to Node's own Worker start)`,
      ],
      row('process'),
      ['target', 'worker ≤ 3× unzip (verify + extract + isolate + start vs plain unzip)'],
    ]);
  }, 900_000);
});
