import type { IsolationTier } from '@chassis/kernel';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_DRIVER, tempRoot, writeDriver } from '../__fixtures__/make-driver.js';
import { DriverLoader, type LoadedDriver } from '../loader/driver-loader.js';

const MB = 1024 * 1024;
const ctx = {
  properties: {},
  resource: { id: 'r-1', kind: 'pool', category: 'storage', driverId: 'x' },
};

/** Holds 32 MB outside the V8 heap (a Buffer) for as long as it is loaded. */
const BUFFER_HOG = `
const hold = Buffer.alloc(32 * 1024 * 1024, 1);
export default { provides: { 'test.echo': { size() { return hold.length; } } } };
`;
/** Holds 32 MB inside the V8 heap (4 M unboxed doubles). */
const ARRAY_HOG = `
const hold = Array.from({ length: 4 * 1024 * 1024 }, (_, i) => i + 0.5);
export default { provides: { 'test.echo': { size() { return hold.length; } } } };
`;

/** Memory readings per tier: each isolated environment reports its own numbers. */
describe.each<IsolationTier>(['in-process', 'worker', 'process'])('memory (%s tier)', (tier) => {
  let root: { dir: string; cleanup: () => Promise<void> };
  const loader = new DriverLoader({
    kernelContainer: new Container(),
    defaultTier: tier,
    loadTimeoutMs: 10_000,
  });
  const loaded: LoadedDriver[] = [];
  let idle: LoadedDriver;
  let n = 0;

  async function load(code: string): Promise<LoadedDriver> {
    const dir = await writeDriver(root.dir, { id: `com.example.mem${n++}`, code });
    const l = await loader.loadDirectory(dir);
    loaded.push(l);
    return l;
  }

  beforeAll(async () => {
    root = await tempRoot();
    idle = await load(ECHO_DRIVER);
  });
  afterAll(async () => {
    await Promise.all(loaded.map((l) => l.handle.dispose()));
    await root.cleanup();
  });

  it.runIf(tier === 'in-process')('is undefined: the driver shares the host heap', async () => {
    expect(await idle.handle.memory()).toBeUndefined();
  });

  it.runIf(tier !== 'in-process')(
    'reports the environment’s own heap and external memory (rss in the process tier only)',
    async () => {
      const m = await idle.handle.memory({ timeoutMs: 5000 });
      expect(m).toMatchObject({ tier });
      if (!m) return;
      expect(m.heapUsedBytes).toBeGreaterThan(0);
      expect(m.heapTotalBytes).toBeGreaterThanOrEqual(m.heapUsedBytes);
      expect(m.externalBytes).toBeGreaterThan(0);
      if (tier === 'process') expect(m.rssBytes).toBeGreaterThan(m.heapUsedBytes);
      else expect(m).not.toHaveProperty('rssBytes');
    },
  );

  it.runIf(tier !== 'in-process')(
    'a driver holding a 32 MB Buffer shows more external memory, one holding a 32 MB array more heap',
    async () => {
      const buffer = await load(BUFFER_HOG);
      const array = await load(ARRAY_HOG);
      const [base, buf, arr] = await Promise.all(
        [idle, buffer, array].map((l) => l.handle.memory({ timeoutMs: 5000 })),
      );
      expect(base && buf && arr).toBeTruthy();
      if (!base || !buf || !arr) return;
      expect(buf.externalBytes - base.externalBytes).toBeGreaterThanOrEqual(30 * MB);
      expect(arr.heapUsedBytes - base.heapUsedBytes).toBeGreaterThanOrEqual(24 * MB);
      expect(await array.handle.invoke('test.echo', 'size', ctx, [])).toBe(4 * MB);
    },
  );

  it.runIf(tier !== 'in-process')(
    'is undefined, without throwing, for a busy environment and after dispose',
    async () => {
      const busy = await load(ECHO_DRIVER);
      void busy.handle.invoke('test.echo', 'spin', ctx, []).catch(() => {});
      expect(await busy.handle.memory({ timeoutMs: 100 })).toBeUndefined();
      // A reading in flight when the environment ends resolves then, not at its deadline.
      const pending = busy.handle.memory({ timeoutMs: 60_000 });
      await busy.handle.dispose();
      expect(await pending).toBeUndefined();
      expect(await busy.handle.memory()).toBeUndefined();
    },
  );

  it('a disposed handle reports undefined', async () => {
    const l = await load(ECHO_DRIVER);
    await l.handle.dispose();
    expect(await l.handle.memory()).toBeUndefined();
  });
});
