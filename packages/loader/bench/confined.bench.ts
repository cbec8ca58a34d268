import { type ChildProcess, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { report } from '../../../bench/compare.js';
import { writeDriver } from '../src/__fixtures__/make-driver.js';
import { DriverLoader, type LoadedDriver } from '../src/index.js';
import { ECHO, scratch, script } from './helpers.js';

const settle = () => new Promise((r) => setTimeout(r, 1500));
const IDLE = "process.on('message', () => {}); process.send('ready');\n";

async function rssOf(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function bareFork(file: string): Promise<ChildProcess> {
  const c = fork(file, [], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    detached: true,
  });
  return new Promise((r) => c.once('message', () => r(c)));
}

const pidOf = (d: LoadedDriver) =>
  // The handle does not expose the pid; the guest reports its own rss through memory().
  d.handle.memory({ timeoutMs: 5000 });

describe('confined process tier', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let dir: string;
  let idle: string;
  const loader = new DriverLoader({
    kernelContainer: new Container(),
    defaultTier: 'process',
  });
  beforeAll(async () => {
    root = await scratch();
    dir = await writeDriver(root.dir, { id: 'com.example.confined', code: ECHO });
    idle = await script(root.dir, 'idle.cjs', IDLE);
  });
  afterAll(() => root.cleanup());

  it('RSS of an idle confined driver vs a bare idle node child (5 of each)', async () => {
    const bare = await Promise.all(Array.from({ length: 5 }, () => bareFork(idle)));
    await settle();
    let bareMb = 0;
    for (const c of bare) bareMb += (await rssOf(c.pid)) / bare.length;
    for (const c of bare) c.kill('SIGKILL');
    const drivers: LoadedDriver[] = [];
    for (let i = 0; i < 5; i++) drivers.push(await loader.loadDirectory(dir));
    await settle();
    let driverMb = 0;
    for (const d of drivers)
      driverMb += ((await pidOf(d))?.rssBytes ?? 0) / 2 ** 20 / drivers.length;
    await Promise.all(drivers.map((d) => d.handle.dispose()));
    report('RSS: idle confined process-tier driver vs bare idle node child', [
      ['bare idle node child', `${bareMb.toFixed(1)} MB`],
      ['idle confined driver', `${driverMb.toFixed(1)} MB`],
      ['ratio', `${(driverMb / bareMb).toFixed(2)}×`],
      ['target', `≤ 1.2×  (${driverMb / bareMb <= 1.2 ? 'met' : 'NOT met'})`],
    ]);
  }, 120_000);

  it('starting 50 confined drivers vs 50 bare forks (8 at a time)', async () => {
    const run = async (start: () => Promise<() => Promise<void> | void>) => {
      const t0 = performance.now();
      const stops: (() => Promise<void> | void)[] = [];
      for (let i = 0; i < 50; i += 8) {
        const batch = await Promise.all(Array.from({ length: Math.min(8, 50 - i) }, start));
        stops.push(...batch);
      }
      const ms = performance.now() - t0;
      await Promise.all(stops.map((s) => s()));
      return ms;
    };
    const bareMs = await run(async () => {
      const c = await bareFork(idle);
      return () => {
        c.kill('SIGKILL');
      };
    });
    const confinedMs = await run(async () => {
      const d = await loader.loadDirectory(dir);
      return () => d.handle.dispose();
    });
    report('start 50: confined process-tier drivers vs bare forks', [
      ['50 bare forks', `${bareMs.toFixed(0)} ms`],
      ['50 confined drivers', `${confinedMs.toFixed(0)} ms`],
      ['ratio', `${(confinedMs / bareMs).toFixed(2)}×`],
      ['target', `≤ 1.5×  (${confinedMs / bareMs <= 1.5 ? 'met' : 'NOT met'})`],
    ]);
  }, 300_000);
});
