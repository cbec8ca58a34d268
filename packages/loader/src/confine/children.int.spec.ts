import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, until } from '../__fixtures__/evil-driver.js';
import { tempRoot, writeDriver } from '../__fixtures__/make-driver.js';
import { DriverLoader, type LoadedDriver } from '../loader/driver-loader.js';

/** A driver that starts a `sleep 60` (granted childProcess) and can crash on request. */
const KIDS = `
import cp from 'node:child_process';
export default {
  provides: {
    'test.echo': {
      echo(c, v) { return v; },
      spawnSleeper() { return cp.spawn('sleep', ['60'], { stdio: 'ignore' }).pid; },
      crash() { setTimeout(() => process.exit(9), 5); return 'bye'; },
    },
  },
};
`;

const ctx = {
  properties: {},
  resource: { id: 'r-1', kind: 'pool', category: 'storage', driverId: 'x' },
};

/** Bounded wait (10 s: a process group takes a moment to go) until `pid` is gone. */
const gone = (pid: number) => until(async () => !(await alive(pid)), 10_000);

/**
 * Process tier: whatever a driver starts dies with its environment — on stop + unload (what the
 * runtime's stop and uninstall do), on a crash, on restart(), and when the HOST is SIGKILLed (the
 * guest sees its channel close and kills its own process group). Each case first checks the
 * child is alive (the positive control: it would otherwise keep running).
 */
describe('process tier: children die with the environment', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let loader: DriverLoader;
  const loaded: LoadedDriver[] = [];
  const kids: number[] = [];
  let dir: string;

  beforeAll(async () => {
    root = await tempRoot('chassis-kids-');
    dir = await writeDriver(root.dir, {
      id: 'com.evil.orphan',
      code: KIDS,
      permissions: { childProcess: true },
    });
    loader = new DriverLoader({
      kernelContainer: new Container(),
      scratchRoot: join(root.dir, 'scratch'),
      confinement: {
        ...DEFAULT_KERNEL_CONFIG.confinement,
        drivers: { 'com.evil.orphan': { grants: { childProcess: true } } },
      },
    });
  });
  afterAll(async () => {
    await Promise.all(loaded.map((l) => l.handle.dispose()));
    for (const pid of kids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone: that is what every test asserts.
      }
    }
    await root.cleanup();
  });

  async function withSleeper(): Promise<{ l: LoadedDriver; pid: number }> {
    const l = await loader.loadDirectory(dir);
    loaded.push(l);
    expect(l.handle.tier).toBe('process');
    await l.handle.start();
    const pid = (await l.handle.invoke('test.echo', 'spawnSleeper', ctx, [])) as number;
    kids.push(pid);
    expect(await alive(pid)).toBe(true);
    return { l, pid };
  }

  it('stop + unload (runtime stop, uninstall)', async () => {
    const { l, pid } = await withSleeper();
    await l.handle.stop();
    await l.handle.dispose();
    expect(await gone(pid)).toBe(true);
  });

  it('crash (the driver exits)', async () => {
    const { l, pid } = await withSleeper();
    const fault = new Promise((resolve) => l.handle.onFault(resolve));
    await l.handle.invoke('test.echo', 'crash', ctx, []);
    await fault;
    expect(await gone(pid)).toBe(true);
  });

  it('restart()', async () => {
    const { l, pid } = await withSleeper();
    await l.handle.restart();
    expect(await gone(pid)).toBe(true);
    expect(await l.handle.invoke('test.echo', 'echo', ctx, [1])).toBe(1);
  });

  it('the host is SIGKILLed', async () => {
    const script = fileURLToPath(new URL('../__fixtures__/kill-host.mjs', import.meta.url));
    const host = spawn(process.execPath, [script, dir, join(root.dir, 'scratch-host')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      host.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] as string);
      });
      host.on('exit', (code) => reject(new Error(`host exited early (${code})`)));
    });
    const pid = (JSON.parse(line) as { sleeper: number }).sleeper;
    kids.push(pid);
    expect(await alive(pid)).toBe(true);
    host.kill('SIGKILL');
    expect(await gone(pid)).toBe(true);
  });
});
