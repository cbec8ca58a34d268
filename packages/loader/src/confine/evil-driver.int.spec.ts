import { join } from 'node:path';
import { ChassisError, DEFAULT_KERNEL_CONFIG, type IsolationTier } from '@chassis/kernel';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { alive, until } from '../__fixtures__/evil-driver.js';
import { type EvilHost, evilHost } from '../__fixtures__/evil-host.js';
import type { FixtureDriver } from '../__fixtures__/make-driver.js';
import { DriverLoader, type LoadedDriver } from '../loader/driver-loader.js';

/**
 * The "evil driver" suite: one driver per tier tries each cell of the README's trust table,
 * once from `start()` and once from an operation. The worker tier is the positive control for
 * every file/child/thread cell: the same attempt succeeds where nothing confines it.
 */
const ctx = {
  properties: {},
  resource: { id: 'r-1', kind: 'pool', category: 'storage', driverId: 'x' },
};

describe('evil driver', () => {
  let host: EvilHost;
  let targets: EvilHost['targets'];
  const logger = captureLogger();
  let loader: DriverLoader;

  beforeAll(async () => {
    host = await evilHost('chassis-evil-');
    targets = host.targets;
    loader = new DriverLoader({
      kernelContainer: new Container(),
      logger,
      scratchRoot: join(host.data, 'scratch'),
      hostEnv: {
        // start() takes no arguments: drivers granted EVIL_TARGETS read their targets from it.
        EVIL_TARGETS: JSON.stringify(targets),
        CHASSIS_SECRET_KEY: 'k',
        CHASSIS_ADMIN_TOKENS: 't=admin',
        TZ: 'UTC',
        HOME: '/root',
      },
      confinement: {
        ...DEFAULT_KERNEL_CONFIG.confinement,
        trusted: ['com.trusted.'],
        env: ['TZ'],
        maxMessageBytes: 1024 * 1024,
        output: { linesPerSecond: 1, burst: 20 },
        drivers: {
          'com.evil.kids': { grants: { childProcess: true } },
          'com.evil.ps': { env: ['EVIL_TARGETS'] },
          'com.trusted.ws': { env: ['EVIL_TARGETS'] },
        },
      },
    });
  });
  afterAll(() => host?.close());

  const load = (id: string, extra: Partial<FixtureDriver> = {}): Promise<LoadedDriver> =>
    host.load(loader, { id, isolation: 'worker', ...extra });

  it('an untrusted driver runs in the process tier whatever driver.yaml asks', async () => {
    const l = await load('com.evil.tier');
    expect(l.handle.tier).toBe('process');
  });

  it.each<{ tier: IsolationTier; id: string; from: 'start' | 'operation' }>([
    { tier: 'process', id: 'com.evil.p', from: 'operation' },
    { tier: 'worker', id: 'com.trusted.w', from: 'operation' },
    { tier: 'process', id: 'com.evil.ps', from: 'start' },
    { tier: 'worker', id: 'com.trusted.ws', from: 'start' },
  ])('$tier tier: every cell of the trust table, from $from', async ({ tier, id, from }) => {
    // The in-process column: confine/in-process-reach.int.spec.ts.
    const l = await load(id);
    expect(l.handle.tier).toBe(tier);
    await l.handle.start();
    const r = (await (from === 'start'
      ? l.handle.invoke('test.echo', 'fromStart', ctx, [])
      : l.handle.invoke('test.echo', 'attempts', ctx, [targets]))) as Record<
      string,
      { ok: boolean; v?: unknown; code?: string }
    >;
    // Environment: host secrets never cross, the allow-list does, nothing else does.
    expect(r.secretEnv).toEqual({ ok: true, v: null });
    expect(r.adminEnv).toEqual({ ok: true, v: null });
    expect(r.allowedEnv).toEqual({ ok: true, v: 'UTC' });
    expect(r.homeEnv).toEqual({ ok: true, v: null });
    expect(r.readOwn).toEqual({ ok: true, v: true });
    // Only the process tier gets a scratch folder (TMPDIR); its writes there succeed.
    if (tier === 'process') expect(r.writeScratch).toEqual({ ok: true, v: 'x' });
    // Network stays open in every tier (drivers talk to devices).
    expect(r.network).toEqual({ ok: true, v: 'connected' });
    const confined = tier === 'process';
    for (const cell of [
      'readSecret',
      'readState',
      'readOther',
      'writeOther',
      'writeOwn',
      'child',
      'thread',
    ]) {
      // Process: refused by the permission model. Worker: the positive control, it succeeds.
      expect({ cell, ok: r[cell]?.ok }).toEqual({ cell, ok: !confined });
      if (confined) expect(r[cell]?.code).toBe('ERR_ACCESS_DENIED');
    }
  });

  it('process tier: a frame over the host cap, written past the guest, is refused unread', async () => {
    const l = await load('com.evil.frame');
    await l.handle.start();
    // Positive control: the driver can reach the channel itself; a frame under the cap lands.
    expect(await l.handle.invoke('test.echo', 'rawLog', ctx, [])).toBe('sent');
    expect(await until(async () => logger.lines.some((x) => x.msg === 'raw frame'))).toBe(true);
    const before = process.memoryUsage().rss;
    const fault = new Promise<ChassisError>((resolve) => l.handle.onFault(resolve));
    const call = l.handle.invoke('test.echo', 'hugeFrame', ctx, []);
    const f = await fault;
    expect(f.code).toBe('CHASSIS_E_LOADER_MESSAGE_TOO_LARGE');
    expect(f.details).toMatchObject({ reason: 'message-too-large', size: 0xfffffff0 });
    await expect(call).rejects.toMatchObject({ code: 'CHASSIS_E_LOADER_MESSAGE_TOO_LARGE' });
    // The 4 GiB announced were never allocated (nor the 64 KiB that followed kept).
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    await l.handle.restart();
    expect(await l.handle.invoke('test.echo', 'echo', ctx, ['ok'])).toBe(2);
  });

  it('refuses a driver whose permissions: block is not granted, naming each permission', async () => {
    try {
      await load('com.evil.greedy', {
        permissions: { childProcess: true, worker: true, read: ['/etc'] },
      });
      expect.unreachable();
    } catch (err) {
      expect(ChassisError.is(err, 'CHASSIS_E_LOADER_PERMISSION_NOT_GRANTED')).toBe(true);
      expect((err as ChassisError).details.permissions).toEqual([
        'childProcess',
        'worker',
        'read:/etc',
      ]);
    }
  });

  it('process tier: children started with a granted childProcess die with the environment', async () => {
    const l = await load('com.evil.kids', { permissions: { childProcess: true } });
    await l.handle.start();
    const pid = (await l.handle.invoke('test.echo', 'spawnSleeper', ctx, [])) as number;
    host.kids.push(pid);
    expect(await alive(pid)).toBe(true);
    await l.handle.dispose();
    expect(await until(async () => !(await alive(pid)))).toBe(true);
  });

  it('worker tier (documented gap): a child a trusted driver starts outlives the worker', async () => {
    const l = await load('com.trusted.kids');
    await l.handle.start();
    const pid = (await l.handle.invoke('test.echo', 'spawnSleeper', ctx, [])) as number;
    host.kids.push(pid);
    await l.handle.dispose();
    await new Promise((r) => setTimeout(r, 200));
    expect(await alive(pid)).toBe(true);
  });

  it.each<IsolationTier>(['process', 'worker'])(
    '%s tier: results and arguments over the size cap are typed errors',
    async (tier) => {
      const l = await load(tier === 'process' ? 'com.evil.big' : 'com.trusted.big');
      expect(l.handle.tier).toBe(tier);
      await l.handle.start();
      // Positive control: under the cap it crosses.
      expect(await l.handle.invoke('test.echo', 'big', ctx, [256 * 1024])).toHaveLength(256 * 1024);
      const code = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (e) => (e as ChassisError).code,
        );
      expect(await code(l.handle.invoke('test.echo', 'big', ctx, [2 * 1024 * 1024]))).toBe(
        'CHASSIS_E_LOADER_MESSAGE_TOO_LARGE',
      );
      expect(
        await code(l.handle.invoke('test.echo', 'echo', ctx, ['y'.repeat(2 * 1024 * 1024)])),
      ).toBe('CHASSIS_E_LOADER_MESSAGE_TOO_LARGE');
      expect(await l.handle.invoke('test.echo', 'echo', ctx, ['ok'])).toBe(2);
    },
  );

  it.each<IsolationTier>(['process', 'worker'])(
    '%s tier: stdout goes to the host logger, tagged and rate-limited',
    async (tier) => {
      const id = tier === 'process' ? 'com.evil.loud' : 'com.trusted.loud';
      const l = await load(id);
      await l.handle.start();
      await l.handle.invoke('test.echo', 'shout', ctx, [500]);
      const mine = () =>
        logger.lines.filter((x) => x.bindings.driver === id && x.fields.stream === 'stdout');
      expect(await until(async () => mine().length >= 20)).toBe(true);
      await l.handle.dispose();
      expect(mine().length).toBeLessThan(40);
      expect(mine()[0]?.msg).toBe('line 0');
    },
  );
});
