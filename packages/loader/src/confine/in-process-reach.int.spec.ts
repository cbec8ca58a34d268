import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { Container } from 'inversify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { alive, until } from '../__fixtures__/evil-driver.js';
import { type EvilHost, evilHost } from '../__fixtures__/evil-host.js';
import { DriverLoader, type LoadedDriver } from '../loader/driver-loader.js';

/**
 * The in-process column of the README's trust table. In-process confines nothing: the evil
 * driver runs inside the host, so every cell the table calls reachable is asserted reached,
 * from `start()` and from an operation, with the host's real values (its own `process.env`,
 * the data directory's secret key, its heap, its console). A test here passing means the table
 * tells the truth about what an operator opts into when trusting a driver in-process.
 */
const ctx = {
  properties: {},
  resource: { id: 'r-1', kind: 'pool', category: 'storage', driverId: 'x' },
};

type Attempts = Record<string, { ok: boolean; v?: unknown; code?: string }>;

describe('in-process tier: every reachable cell is reached', () => {
  let host: EvilHost;
  let targets: EvilHost['targets'];
  let loader: DriverLoader;
  const logger = captureLogger();
  /** Host variables the test sets in its own `process.env`, removed after each test. */
  const hostVars = ['CHASSIS_SECRET_KEY', 'CHASSIS_ADMIN_TOKENS', 'EVIL_TARGETS'];

  beforeAll(async () => {
    host = await evilHost('chassis-inproc-');
    targets = host.targets;
    loader = new DriverLoader({
      kernelContainer: new Container(),
      logger,
      scratchRoot: join(host.data, 'scratch'),
      // The filtered env other tiers get: in-process never sees it, only the host's own.
      hostEnv: { TZ: 'UTC' },
      confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: ['com.trusted.'], env: [] },
    });
  });
  afterEach(() => {
    for (const k of hostVars) delete process.env[k];
    vi.restoreAllMocks();
  });
  afterAll(() => host?.close());

  async function load(id: string): Promise<LoadedDriver> {
    const l = await host.load(loader, { id, isolation: 'in-process' });
    expect(l.handle.tier).toBe('in-process');
    return l;
  }

  it.each<{ from: 'start' | 'operation'; id: string }>([
    { from: 'start', id: 'com.trusted.is' },
    { from: 'operation', id: 'com.trusted.io' },
  ])(
    'env, files, data dir, other drivers, children, threads, network: from $from',
    async ({ from, id }) => {
      // Set in the host's own environment, as the server's secrets are.
      process.env.CHASSIS_SECRET_KEY = 'host-secret';
      process.env.CHASSIS_ADMIN_TOKENS = 'ops=admin';
      process.env.EVIL_TARGETS = JSON.stringify(targets);
      const l = await load(id);
      await l.handle.start();
      const r = (await (from === 'start'
        ? l.handle.invoke('test.echo', 'fromStart', ctx, [])
        : l.handle.invoke('test.echo', 'attempts', ctx, [targets]))) as Attempts;
      // env: the host's process.env, secrets included; not the filtered hostEnv of other tiers.
      expect(r.secretEnv).toEqual({ ok: true, v: 'host-secret' });
      expect(r.adminEnv).toEqual({ ok: true, v: 'ops=admin' });
      expect(r.homeEnv).toEqual({ ok: true, v: process.env.HOME ?? null });
      expect(r.allowedEnv).toEqual({ ok: true, v: process.env.TZ ?? null });
      // files read / data dir: anything the host can, the secret key's contents included.
      expect(r.readSecret).toEqual({ ok: true, v: 'the-secret-key' });
      expect(r.readState).toEqual({ ok: true, v: ['store.json'] });
      expect(r.readOwn).toEqual({ ok: true, v: true });
      // files written / other drivers: another driver's code and its own folder are writable.
      expect(r.readOther?.ok).toBe(true);
      expect(r.writeOther?.ok).toBe(true);
      expect(r.writeOwn?.ok).toBe(true);
      expect(await readFile(targets.other as string, 'utf8')).toContain('// owned');
      // child processes, threads, network: all allowed.
      expect(r.child).toEqual({ ok: true, v: 0 });
      expect(r.thread).toEqual({ ok: true, v: 'started' });
      expect(r.network).toEqual({ ok: true, v: 'connected' });
    },
  );

  it('child processes: a child the driver starts outlives its unload', async () => {
    const l = await load('com.trusted.ikids');
    await l.handle.start();
    const pid = (await l.handle.invoke('test.echo', 'spawnSleeper', ctx, [])) as number;
    host.kids.push(pid);
    expect(await alive(pid)).toBe(true);
    await l.handle.dispose();
    // Bounded: still running a moment after the driver is gone (nothing owns its group).
    expect(await until(async () => !(await alive(pid)), 300)).toBe(false);
  });

  it("memory: what the driver holds is the host's own memory, with no cap or reading of its own", async () => {
    const l = await load('com.trusted.imem');
    await l.handle.start();
    const before = process.memoryUsage().arrayBuffers;
    const n = 32 * 1024 * 1024;
    expect(await l.handle.invoke('test.echo', 'hold', ctx, [n])).toBe(n);
    expect(await l.handle.invoke('test.echo', 'hold', ctx, [n])).toBe(n);
    // 2n held; n of slack for other buffers the host's GC may free meanwhile.
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThanOrEqual(n);
    // No environment of its own to measure (the worker and process tiers answer here).
    expect(await l.handle.memory()).toBeUndefined();
    await l.handle.dispose();
  });

  it("output: console.log goes to the host's own console, not the logger", async () => {
    const seen: unknown[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      seen.push(a[0]);
    });
    const l = await load('com.trusted.iloud');
    await l.handle.start();
    await l.handle.invoke('test.echo', 'shout', ctx, [50]);
    // All 50 lines, none rate-limited, none tagged through the host logger.
    expect(seen.filter((x) => typeof x === 'string' && x.startsWith('line '))).toHaveLength(50);
    expect(logger.lines.filter((x) => x.fields.stream === 'stdout')).toEqual([]);
  });
});
