import {
  ChassisError,
  callDeadline,
  DEFAULT_KERNEL_CONFIG,
  type IsolationTier,
} from '@chassis/kernel';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempRoot, writeDriver } from '../__fixtures__/make-driver.js';
import { DriverLoader, type LoadedDriver } from '../loader/driver-loader.js';

const HOG = `
export default {
  provides: {
    'test.echo': {
      echo(c, v) { return v; },
      oom() {
        const hog = [];
        for (;;) hog.push(new Array(1e5).fill({ x: Math.random() }));
      },
    },
  },
};
`;

const ctx = {
  properties: {},
  resource: { id: 'r-1', kind: 'pool', category: 'storage', driverId: 'x' },
};

/**
 * Out of memory at the DEFAULT heap cap (256 MiB), called the way the runtime calls: with a
 * deadline. The deadline expires while V8 thrashes near its limit, so the liveness probe runs
 * while the guest cannot answer; the fault must still say `out-of-memory` (not `unresponsive`),
 * and the host's own resident memory must stay bounded meanwhile.
 */
describe.each<IsolationTier>(['process', 'worker'])(
  'out of memory at the default cap (%s tier)',
  (tier) => {
    let root: { dir: string; cleanup: () => Promise<void> };
    const loaded: LoadedDriver[] = [];
    const loader = new DriverLoader({
      kernelContainer: new Container(),
      livenessTimeoutMs: 1000,
      confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: ['com.trusted.'] },
    });
    beforeAll(async () => {
      root = await tempRoot('chassis-oom-');
    });
    afterAll(async () => {
      await Promise.all(loaded.map((l) => l.handle.dispose()));
      await root.cleanup();
    });

    it('goes out-of-memory (not unresponsive); the host RSS stays bounded; restart() recovers', async () => {
      const id = tier === 'process' ? 'com.untrusted.hog' : 'com.trusted.hog';
      const dir = await writeDriver(root.dir, { id, code: HOG, isolation: 'worker' });
      const l = await loader.loadDirectory(dir);
      loaded.push(l);
      expect(l.handle.tier).toBe(tier);
      expect(l.limits.heapMb).toBe(256);
      await l.handle.start();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 50);
      const fault = new Promise<ChassisError>((resolve) => l.handle.onFault(resolve));
      const call = l.handle.invoke('test.echo', 'oom', ctx, [], callDeadline(300));
      await expect(call).rejects.toBeInstanceOf(ChassisError);
      const f = await fault;
      clearInterval(sampler);
      expect({ code: f.code, reason: f.details.reason }).toEqual({
        code: 'CHASSIS_E_LOADER_DRIVER_CRASHED',
        reason: 'out-of-memory',
      });
      // The driver's 256 MiB never land in the host (a worker shares the process: its heap is
      // counted in the host's RSS while it lives, so that tier's bound is its cap plus slack).
      const bound = (tier === 'process' ? 96 : 256 + 160) * 1024 * 1024;
      expect(peak - before).toBeLessThan(bound);
      await l.handle.restart();
      expect(await l.handle.invoke('test.echo', 'echo', ctx, ['back'])).toBe('back');
    }, 60_000);
  },
);
