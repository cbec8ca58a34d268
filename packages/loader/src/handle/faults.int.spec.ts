import { ChassisError, callDeadline, type IsolationTier } from '@chassis/kernel';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_DRIVER, tempRoot, writeDriver } from '../__fixtures__/make-driver.js';
import { DriverLoader, type LoadedDriver } from '../loader/driver-loader.js';

const ctx = {
  properties: {},
  resource: { id: 'r-1', kind: 'pool', category: 'storage', driverId: 'x' },
};

const THROW_ON_LOAD = `throw new Error('broken at import');\nexport default { provides: {} };`;
const THROW_ON_START = `export default { start() { throw new Error('cannot connect'); }, provides: { 'test.echo': { echo(c, v) { return v; } } } };`;
const HANG_ON_START = `export default { start() { return new Promise(() => {}); }, provides: { 'test.echo': { echo(c, v) { return v; } } } };`;
const SPIN_ON_START = `export default { start() { for (;;) {} }, provides: {} };`;

/**
 * One test per fault per tier. The in-process tier shares the host's heap, event loop and
 * `process`: exit, out-of-memory, unhandled rejections and infinite loops cannot be contained
 * there, so those cases are skipped for it (documented in the README).
 */
describe.each<IsolationTier>(['in-process', 'worker', 'process'])('faults (%s tier)', (tier) => {
  const remote = tier !== 'in-process';
  let root: { dir: string; cleanup: () => Promise<void> };
  const loader = new DriverLoader({
    kernelContainer: new Container(),
    defaultTier: tier,
    worker: { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } },
    // Generous: a busy CI machine must not turn a slow pong into a false UNRESPONSIVE.
    livenessTimeoutMs: 1000,
    loadTimeoutMs: 5000,
  });
  const loaded: LoadedDriver[] = [];
  let healthy: LoadedDriver;
  let n = 0;

  beforeAll(async () => {
    root = await tempRoot();
    healthy = await load(ECHO_DRIVER);
  });
  afterAll(async () => {
    await Promise.all(loaded.map((l) => l.handle.dispose()));
    await root.cleanup();
  });

  async function load(code: string): Promise<LoadedDriver> {
    const dir = await writeDriver(root.dir, { id: `com.example.fault${n++}`, code });
    const l = await loader.loadDirectory(dir);
    loaded.push(l);
    return l;
  }

  async function stillServing(): Promise<void> {
    expect(await healthy.handle.invoke('test.echo', 'echo', ctx, ['alive'])).toBe('alive');
  }

  function faultOf(l: LoadedDriver): Promise<ChassisError> {
    return new Promise((resolve) => l.handle.onFault(resolve));
  }

  async function crashWith(method: string, code: string, reason: string): Promise<LoadedDriver> {
    const l = await load(ECHO_DRIVER);
    const fault = faultOf(l);
    const first = await l.handle
      .invoke('test.echo', method, ctx, [], callDeadline(5000))
      .catch((e) => e);
    const f = await fault;
    expect(f.code).toBe(code);
    expect(f.details.reason).toBe(reason);
    expect(l.handle.state).toBe('faulted');
    if (first instanceof Error) expect(ChassisError.is(first, code as never)).toBe(true);
    const later = await l.handle.invoke('test.echo', 'echo', ctx, [1]).catch((e) => e);
    expect(ChassisError.is(later, code as never)).toBe(true);
    await stillServing();
    return l;
  }

  it('throw during load → CHASSIS_E_LOADER_LOAD_FAILED with the cause', async () => {
    const dir = await writeDriver(root.dir, { id: `com.example.fault${n++}`, code: THROW_ON_LOAD });
    const err = await loader.loadDirectory(dir).catch((e) => e);
    expect(ChassisError.is(err, 'CHASSIS_E_LOADER_LOAD_FAILED')).toBe(true);
    expect(String((err as ChassisError).cause)).toContain('broken at import');
    await stillServing();
  });

  it.skipIf(!remote)(
    'infinite loop while loading → CHASSIS_E_LOADER_LOAD_FAILED after loadTimeoutMs',
    async () => {
      const quick = new DriverLoader({
        kernelContainer: new Container(),
        defaultTier: tier,
        loadTimeoutMs: 300,
      });
      const dir = await writeDriver(root.dir, {
        id: `com.example.fault${n++}`,
        code: 'for (;;) {}\nexport default { provides: {} };',
      });
      const err = await quick.loadDirectory(dir).catch((e) => e);
      expect(ChassisError.is(err, 'CHASSIS_E_LOADER_LOAD_FAILED')).toBe(true);
      await stillServing();
    },
  );

  it('throw during start → start rejects, the environment keeps serving', async () => {
    const l = await load(THROW_ON_START);
    const err = await l.handle.start().catch((e) => e);
    expect(ChassisError.is(err, 'CHASSIS_E_DRIVER_OPERATION_FAILED')).toBe(true);
    expect((err as ChassisError).cause).toMatchObject({ message: 'cannot connect' });
    expect(await l.handle.invoke('test.echo', 'echo', ctx, [2])).toBe(2);
    await stillServing();
  });

  it('hang in start → CHASSIS_E_EXEC_TIMEOUT, still responsive', async () => {
    const l = await load(HANG_ON_START);
    const err = await l.handle.start(callDeadline(100)).catch((e) => e);
    expect(ChassisError.is(err, 'CHASSIS_E_EXEC_TIMEOUT')).toBe(true);
    // Past the liveness probe that follows the timeout: the environment answered it.
    await new Promise((r) => setTimeout(r, 1300));
    expect(l.handle.state).toBe('ready');
    await stillServing();
  });

  it('hang in a call → CHASSIS_E_EXEC_TIMEOUT', async () => {
    const l = await load(ECHO_DRIVER);
    const err = await l.handle
      .invoke('test.echo', 'hang', ctx, [], callDeadline(100))
      .catch((e) => e);
    expect(ChassisError.is(err, 'CHASSIS_E_EXEC_TIMEOUT')).toBe(true);
    expect(await l.handle.invoke('test.echo', 'echo', ctx, [3])).toBe(3);
    await stillServing();
  });

  it.skipIf(!remote)(
    'infinite loop in a call → timeout, then CHASSIS_E_LOADER_DRIVER_UNRESPONSIVE',
    async () => {
      const l = await load(ECHO_DRIVER);
      const fault = faultOf(l);
      const err = await l.handle
        .invoke('test.echo', 'spin', ctx, [], callDeadline(100))
        .catch((e) => e);
      expect(ChassisError.is(err, 'CHASSIS_E_EXEC_TIMEOUT')).toBe(true);
      const f = await fault;
      expect(f.code).toBe('CHASSIS_E_LOADER_DRIVER_UNRESPONSIVE');
      expect(f.details.reason).toBe('unresponsive');
      const later = await l.handle.invoke('test.echo', 'echo', ctx, [1]).catch((e) => e);
      expect(ChassisError.is(later, 'CHASSIS_E_LOADER_DRIVER_UNRESPONSIVE')).toBe(true);
      await stillServing();
    },
  );

  it.skipIf(!remote)('infinite loop in start → CHASSIS_E_LOADER_DRIVER_UNRESPONSIVE', async () => {
    const l = await load(SPIN_ON_START);
    const fault = faultOf(l);
    const err = await l.handle.start(callDeadline(100)).catch((e) => e);
    expect(ChassisError.is(err, 'CHASSIS_E_EXEC_TIMEOUT')).toBe(true);
    expect((await fault).code).toBe('CHASSIS_E_LOADER_DRIVER_UNRESPONSIVE');
    await stillServing();
  });

  it.skipIf(!remote)('process.exit() → CHASSIS_E_LOADER_DRIVER_CRASHED (exit)', async () => {
    const l = await crashWith('exit', 'CHASSIS_E_LOADER_DRIVER_CRASHED', 'exit');
    expect(l.handle.fault?.details.exitCode).toBe(3);
  });

  it.skipIf(!remote)(
    'unhandled rejection → CHASSIS_E_LOADER_DRIVER_CRASHED (unhandled-rejection)',
    async () => {
      const l = await crashWith('reject', 'CHASSIS_E_LOADER_DRIVER_CRASHED', 'unhandled-rejection');
      expect(String(l.handle.fault?.cause)).toContain('nobody catches me');
    },
  );

  it.skipIf(!remote)(
    'out of memory → CHASSIS_E_LOADER_DRIVER_CRASHED (out-of-memory), then restart()',
    async () => {
      const l = await crashWith('oom', 'CHASSIS_E_LOADER_DRIVER_CRASHED', 'out-of-memory');
      await l.handle.restart();
      expect(l.handle.state).toBe('ready');
      expect(l.handle.fault).toBeUndefined();
      expect(await l.handle.invoke('test.echo', 'echo', ctx, ['back'])).toBe('back');
    },
  );

  it('restart() replaces the environment and gives the restart policy', async () => {
    const l = await load(ECHO_DRIVER);
    await l.handle.restart();
    expect(await l.handle.invoke('test.echo', 'echo', ctx, [4])).toBe(4);
    expect(l.handle.restartPolicy.nextDelay(1)).toBeGreaterThan(0);
  });
});
