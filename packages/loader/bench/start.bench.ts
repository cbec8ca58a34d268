import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { packCar } from '@chassis/car';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { fmtMs, median, report, timeOnce } from '../../../bench/compare.js';
// The built package, run natively (see vitest.bench.config.ts): what production runs.
import { CarCache, createSource, DriverLoader, type LoadedDriver } from '../dist/index.js';
import { writeDriver } from '../src/__fixtures__/make-driver.js';
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
    // The floors of the worker tier, ended after the timing as the tiers' environments are: a
    // bare Worker that posts one message, and one that first imports an ESM module (a driver's
    // entry is ESM, so every worker-tier driver pays for Node's ESM loader in its thread).
    const entry = join(root.dir, 'entry.mjs');
    await writeFile(entry, ECHO);
    const bareWorkers = async (n: number, esm: boolean) => {
      const workers = await pool(Array.from({ length: n }), PARALLEL, async () => {
        const w = esm
          ? new Worker(
              `import(${JSON.stringify(pathToFileURL(entry).href)}).then(() => require('node:worker_threads').parentPort.postMessage(1))`,
              { eval: true },
            )
          : new Worker("require('node:worker_threads').parentPort.postMessage(1)", { eval: true });
        await new Promise((resolve) => w.once('message', resolve));
        return w;
      });
      return workers;
    };
    type Row = 'unzip' | 'bare' | 'esm' | 'worker' | 'process';
    const rounds: Record<Row, number>[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const slice = names.slice(r * size, (r + 1) * size);
      const u = await timeOnce(() => unzipAll(slice));
      const b = await timeOnce(() => bareWorkers(slice.length, false));
      await Promise.all(b.value.map((w) => w.terminate()));
      const e = await timeOnce(() => bareWorkers(slice.length, true));
      await Promise.all(e.value.map((w) => w.terminate()));
      const w = await timeOnce(() =>
        startAll('worker', join(root.dir, `cache-worker-${r}`), slice),
      );
      await Promise.all(w.value.loaded.map((l) => l.handle.dispose()));
      const p = await timeOnce(() =>
        startAll('process', join(root.dir, `cache-process-${r}`), slice),
      );
      await Promise.all(p.value.loaded.map((l) => l.handle.dispose()));
      rounds.push({ unzip: u.ms, bare: b.ms, esm: e.ms, worker: w.ms, process: p.ms });
    }
    const sum = (k: Row) => rounds.reduce((a, x) => a + x[k], 0);
    const ratios = (k: Exclude<Row, 'unzip'>) => rounds.map((x) => x[k] / x.unzip);
    const label = {
      bare: 'bare Worker start (floor)',
      esm: 'bare Worker + one ESM import (floor)',
      worker: 'worker, cold cache',
      process: 'process, cold cache',
    };
    const row = (k: Exclude<Row, 'unzip'>): [string, string] => [
      label[k],
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
      row('esm'),
      row('worker'),
      [
        'worker vs bare Worker',
        `median ${median(rounds.map((x) => x.worker / x.bare)).toFixed(2)}× (what the tier adds to Node's own Worker start)`,
      ],
      row('process'),
      [
        'target',
        `worker ≤ 3× unzip (verify + extract + isolate + start vs plain unzip)${
          median(ratios('bare')) > 3
            ? ": out of reach here, a bare Worker alone is above 3× (one Worker per driver is the tier's isolation)"
            : ''
        }`,
      ],
    ]);
  }, 900_000);
});
