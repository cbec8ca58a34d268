import { Worker } from 'node:worker_threads';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { report } from '../../../bench/compare.js';
import { writeDriver } from '../src/__fixtures__/make-driver.js';
import { DriverLoader, type LoadedDriver } from '../src/index.js';
import { ECHO, scratch } from './helpers.js';

const N = 10;
const settle = () => new Promise((r) => setTimeout(r, 1500));
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

describe('RSS of idle environments', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let dir: string;
  beforeAll(async () => {
    root = await scratch();
    dir = await writeDriver(root.dir, { id: 'com.example.idle', code: ECHO });
  });
  afterAll(() => root.cleanup());

  it(`idle worker-tier driver vs bare idle Worker (${N} of each, per-environment RSS)`, async () => {
    // Warm both code paths once so that module loading in the host is not counted.
    const warmW = new Worker("require('node:worker_threads').parentPort.on('message', () => {});", {
      eval: true,
    });
    await new Promise((r) => warmW.once('online', r));
    await warmW.terminate();
    const loader = new DriverLoader({ kernelContainer: new Container(), defaultTier: 'worker' });
    await (await loader.loadDirectory(dir)).handle.dispose();
    await settle();

    const before = rssMb();
    const bare: Worker[] = [];
    for (let i = 0; i < N; i++) {
      const w = new Worker("require('node:worker_threads').parentPort.on('message', () => {});", {
        eval: true,
      });
      await new Promise((r) => w.once('online', r));
      bare.push(w);
    }
    await settle();
    const bareMb = (rssMb() - before) / N;
    await Promise.all(bare.map((w) => w.terminate()));
    await settle();

    const before2 = rssMb();
    const drivers: LoadedDriver[] = [];
    for (let i = 0; i < N; i++) drivers.push(await loader.loadDirectory(dir));
    await settle();
    const driverMb = (rssMb() - before2) / N;
    await Promise.all(drivers.map((d) => d.handle.dispose()));

    report('RSS per idle environment', [
      ['bare idle Worker', `${bareMb.toFixed(1)} MB`],
      ['idle worker-tier driver', `${driverMb.toFixed(1)} MB`],
      ['ratio', `${(driverMb / bareMb).toFixed(2)}×`],
      ['target', `≤ 1.2×  (${driverMb / bareMb <= 1.2 ? 'met' : 'NOT met'})`],
    ]);
  }, 120_000);
});
