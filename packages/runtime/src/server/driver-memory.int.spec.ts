import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureCar } from '../testing/driver-fixture.js';
import { type FixtureServer, fixtureServer } from '../testing/fixture-server.js';
import type { ManagementServer } from './management-server.js';

const admin = { id: 'alice', roles: ['admin'] };

/** `driverMemory()` over real loaded drivers: worker and process tiers listed, in-process not. */
describe('ManagementRuntime.driverMemory', () => {
  let fixture: FixtureServer;
  let server: ManagementServer;

  beforeAll(async () => {
    // The operator trusts these drivers, so each runs in the tier its driver.yaml asks for.
    fixture = await fixtureServer({ trusted: ['com.example.'] });
    server = fixture.server;
    for (const isolation of ['in-process', 'worker', 'process'] as const) {
      const car = await buildFixtureCar(join(fixture.root, 'cars'), {
        id: `com.example.${isolation.replace('-', '')}`,
        version: '1.0.0',
        isolation,
      });
      await server.runtime.install({ kind: 'file', path: car }, admin);
    }
  });
  afterAll(() => fixture?.close());

  it('reports the worker and process environments, rss for the process only', async () => {
    const list = await server.runtime.driverMemory({ timeoutMs: 5000 });
    expect(list.map((m) => `${m.driverId}@${m.version}:${m.tier}`)).toEqual([
      'com.example.process@1.0.0:process',
      'com.example.worker@1.0.0:worker',
    ]);
    const [proc, worker] = list;
    expect(proc?.heapUsedBytes).toBeGreaterThan(0);
    expect(proc?.rssBytes).toBeGreaterThan(proc?.heapUsedBytes ?? 0);
    expect(worker?.heapTotalBytes).toBeGreaterThanOrEqual(worker?.heapUsedBytes ?? 1);
    expect(worker).not.toHaveProperty('rssBytes');
  });

  it('leaves out a version that was unloaded', async () => {
    await server.runtime.uninstall('com.example.worker', {}, admin);
    const list = await server.runtime.driverMemory({ timeoutMs: 5000 });
    expect(list.map((m) => m.driverId)).toEqual(['com.example.process']);
  });
});
