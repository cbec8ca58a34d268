import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@chassis/kernel';
import type { ManagedDriverHandle } from '@chassis/loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureCar } from '../testing/driver-fixture.js';
import { realDriverManager } from '../testing/real-manager.js';

/**
 * Issue 7: "the old version is unloaded (its worker ended, caches released) once no resource
 * uses it; verify the memory is actually released". A worker-tier driver holds 64 MiB in
 * module scope; after an upgrade moves its only resource away, the manager disposes its
 * handle: the worker thread must be gone and the process RSS must drop by most of the hog.
 * Margins are generous and nothing is timed: we poll, bounded, until the OS shows it.
 */

const ID = 'com.example.hog';
const MiB = 1024 * 1024;
const HOG_MIB = 64;
const POLL_BOUND_MS = 15_000;

const hogDriver = (bytes: number) => `
const HOG = new Uint8Array(${bytes});
// Touch every page: an untouched calloc'd buffer would not show in RSS at all.
for (let i = 0; i < HOG.length; i += 4096) HOG[i] = 1;
export default {
  provides: { 'storage.primary': { hogBytes() { return HOG.byteLength; } } },
};
`;

/** OS threads of this process (Linux); undefined where /proc is not available. */
async function threads(): Promise<number | undefined> {
  return existsSync('/proc/self/task') ? (await readdir('/proc/self/task')).length : undefined;
}

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function rss(): number {
  collect();
  return process.memoryUsage.rss();
}

/** Polls `probe` until it returns true or the bound passes; returns the last verdict. */
async function eventually(probe: () => Promise<boolean> | boolean): Promise<boolean> {
  const deadline = performance.now() + POLL_BOUND_MS;
  for (;;) {
    if (await probe()) return true;
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('DriverManager releases an unloaded version (real loader, worker tier)', () => {
  let root: string;
  let hogCar: string;
  let leanCar: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-runtime-mem-'));
    const car = (version: string, source: string) =>
      buildFixtureCar(join(root, 'cars'), { id: ID, version, isolation: 'worker', source });
    hogCar = await car('1.0.0', hogDriver(HOG_MIB * MiB));
    leanCar = await car('1.1.0', hogDriver(4096));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('ends the old worker and gives its 64 MiB back once its last resource moved away', async () => {
    // The server's real adapter, keeping each handle it loads so the test can watch it end
    // (loadCar's handles are managed ones; the VersionLoader contract only promises DriverHandle).
    const handles: ManagedDriverHandle[] = [];
    const { manager, lifecycle, resources, store } = realDriverManager({
      root,
      loadTimeoutMs: 10_000,
      wrap: (adapter) => ({
        open: (carFile, expect) => adapter.open(carFile, expect),
        async load(car) {
          const loaded = await adapter.load(car);
          handles.push(loaded.handle as ManagedDriverHandle);
          return loaded;
        },
      }),
    });
    try {
      const threads0 = await threads();
      const rss0 = rss();

      await manager.install({ kind: 'file', path: hogCar }, 'ops');
      const hog = handles[0]!;
      expect(hog.tier).toBe('worker');
      const resource: Resource = {
        id: 'pool-1',
        kind: 'primary-storage-pool',
        category: 'storage',
        driverId: ID,
      };
      resources.add(resource, { driverId: ID, version: '1.0.0' }, manager.active(ID).handle);
      await store.put(
        'resources/pool-1',
        { resource, binding: { driverId: ID, version: '1.0.0' } },
        0,
      );
      const hogBytes = () =>
        resources
          .get('pool-1')
          .compartment.submit((h) =>
            h.invoke('storage.primary', 'hogBytes', { properties: {}, resource }, []),
          );
      expect(await hogBytes()).toBe(HOG_MIB * MiB);
      const threads1 = await threads();
      const rss1 = rss();
      // The hog is really resident, or the release below would prove nothing.
      expect(rss1 - rss0).toBeGreaterThan(48 * MiB);
      if (threads0 !== undefined) expect(threads1).toBeGreaterThanOrEqual(threads0 + 1);

      await manager.install({ kind: 'file', path: leanCar }, 'ops');
      const lean = handles[1]!;
      const threads2 = await threads();
      const rss2 = rss();

      const rec = await manager.upgrade(ID, { version: '1.1.0' }, 'ops');
      expect(rec.result).toBe('succeeded');
      expect(await hogBytes()).toBe(4096);
      expect(lifecycle.state(ID, '1.0.0')).toBe('Unloaded');
      expect([...manager.drivers.get(ID)!.loaded.keys()]).toEqual(['1.1.0']);
      expect(hog.state).toBe('disposed');

      if (threads2 !== undefined)
        expect(await eventually(async () => (await threads())! <= threads2 - 1)).toBe(true);
      let rss3 = rss2;
      const released = await eventually(() => {
        rss3 = rss();
        return rss2 - rss3 >= 40 * MiB;
      });
      expect(
        released,
        `RSS ${Math.round(rss2 / MiB)} MiB → ${Math.round(rss3 / MiB)} MiB after unloading`,
      ).toBe(true);

      // Uninstalling the last version ends its worker too.
      await resources.remove('pool-1');
      await manager.uninstall(ID, {}, 'ops');
      expect(lean.state).toBe('disposed');
      expect(manager.drivers.has(ID)).toBe(false);
      if (threads0 !== undefined)
        expect(await eventually(async () => (await threads())! <= threads0)).toBe(true);
    } finally {
      await manager.shutdown();
    }
  }, 60_000);
});
