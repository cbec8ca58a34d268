import { ChassisError, DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { tempRoot, writeDriver } from '../__fixtures__/make-driver.js';
import { DriverLoader, type LoadedDriver } from '../loader/driver-loader.js';

/**
 * The worker tier's host-side message cap. The driver posts on the guest's own MessagePort
 * (reachable through `workerData`), past the guest's cap, the way an evil process-tier driver
 * writes to fd 3: a raw result answering a call, or a raw log record out of the blue.
 */
const POSTER = `
import { workerData } from 'node:worker_threads';
const port = workerData?.port;
port?.on('message', (m) => {
  // An invoke call is the tuple [id, point, method, ctx, args]; a result is [id, value].
  if (Array.isArray(m) && m[2] === 'rawResult') port.postMessage([m[0], 'x'.repeat(m[4][0])]);
});
export default {
  provides: {
    'test.echo': {
      rawResult() { return new Promise(() => {}); },
      rawLog(ctx, n) { port.postMessage({ t: 'log', level: 'info', bindings: {}, fields: { big: 'y'.repeat(n) }, msg: 'raw log' }); return new Promise(() => {}); },
      echo(ctx, v) { return v; },
    },
  },
};
`;

const ctx = {
  properties: {},
  resource: { id: 'r-1', kind: 'pool', category: 'storage', driverId: 'x' },
};
const MB200 = 200 * 1000 * 1000;

describe('worker tier: host-side message cap', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  const loaded: LoadedDriver[] = [];
  const logger = captureLogger();
  const loader = (maxMessageBytes: number) =>
    new DriverLoader({
      kernelContainer: new Container(),
      logger,
      hostEnv: {},
      confinement: {
        ...DEFAULT_KERNEL_CONFIG.confinement,
        trusted: ['com.trusted.'],
        maxMessageBytes,
        // Room for the 200 MB string inside the worker itself: only the host's cap is tested.
        heapMb: 768,
      },
    });

  beforeAll(async () => {
    root = await tempRoot('chassis-worker-cap-');
  });
  afterAll(async () => {
    await Promise.all(loaded.map((l) => l.handle.dispose()));
    await root.cleanup();
  });

  async function load(l: DriverLoader, id: string): Promise<LoadedDriver> {
    const dir = await writeDriver(root.dir, { id, code: POSTER, isolation: 'worker' });
    const d = await l.loadDirectory(dir);
    loaded.push(d);
    expect(d.handle.tier).toBe('worker');
    await d.handle.start();
    return d;
  }

  it('positive control: with the cap above it, a raw 200 MB result reaches the caller whole', async () => {
    const d = await load(loader(512 * 1024 * 1024), 'com.trusted.open');
    const v = await d.handle.invoke('test.echo', 'rawResult', ctx, [MB200]);
    expect((v as string).length).toBe(MB200);
    await d.handle.dispose();
  });

  it('a raw 200 MB result over the default cap is refused, the worker ended, the host healthy', async () => {
    const d = await load(
      loader(DEFAULT_KERNEL_CONFIG.confinement.maxMessageBytes),
      'com.trusted.big',
    );
    const fault = new Promise<ChassisError>((resolve) => d.handle.onFault(resolve));
    const call = d.handle.invoke('test.echo', 'rawResult', ctx, [MB200]);
    await expect(call).rejects.toMatchObject({ code: 'CHASSIS_E_LOADER_MESSAGE_TOO_LARGE' });
    const f = await fault;
    expect(ChassisError.is(f, 'CHASSIS_E_LOADER_MESSAGE_TOO_LARGE')).toBe(true);
    const limit = DEFAULT_KERNEL_CONFIG.confinement.maxMessageBytes + 64 * 1024;
    expect(f.details).toMatchObject({ tier: 'worker', reason: 'message-too-large', limit });
    expect(f.details.size as number).toBeGreaterThan(limit);
    expect(d.handle.state).toBe('faulted');
    // The host goes on: the driver restarts and answers.
    await d.handle.restart();
    await d.handle.start();
    expect(await d.handle.invoke('test.echo', 'echo', ctx, ['ok'])).toBe('ok');
  });

  it('a raw log record over the cap is refused the same way (not only results)', async () => {
    const d = await load(loader(1024 * 1024), 'com.trusted.log');
    const fault = new Promise<ChassisError>((resolve) => d.handle.onFault(resolve));
    // Positive control: under the host's cap the raw record lands in the host logger.
    void d.handle.invoke('test.echo', 'rawLog', ctx, [1024]).catch(() => undefined);
    const logged = () => logger.lines.some((x) => x.msg === 'raw log');
    for (let i = 0; i < 100 && !logged(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(logged()).toBe(true);
    const before = logger.lines.length;
    void d.handle.invoke('test.echo', 'rawLog', ctx, [2 * 1024 * 1024]).catch(() => undefined);
    const f = await fault;
    expect(f.code).toBe('CHASSIS_E_LOADER_MESSAGE_TOO_LARGE');
    expect(f.details.reason).toBe('message-too-large');
    expect(logger.lines.slice(before).some((x) => x.msg === 'raw log')).toBe(false);
  });
});
