import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { StorageFacade } from '@chassis/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFixtureCar } from '../testing/driver-fixture.js';
import { createManagementServer, type ManagementServer } from './management-server.js';

const admin = { id: 'alice', roles: ['admin'] };
const ID = 'com.example.spinner';
const SPINNER = `export default {
  provides: {
    'storage.primary': {
      stats: () => { for (;;) {} },
      whoami: () => 'pid-' + process.pid + '-' + Math.random(),
    },
  },
};
`;
const dirs: string[] = [];
const servers: ManagementServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop().catch(() => {});
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/**
 * Issue 12.1: a caller deadline below the executor's used to fail the call and leave a spinning
 * driver `Running`, burning a core, with every later call timing out. The compartment owns the
 * deadline now and any expiry probes liveness: the driver is ended and restarted by policy.
 */
describe.each(['worker', 'process'] as const)('a spinning %s-tier driver', (isolation) => {
  it('is detected on a caller timeout below callTimeoutMs, ended and restarted by policy', async () => {
    const root = await mkdtemp(join(tmpdir(), 'chassis-liveness-'));
    dirs.push(root);
    const car = await buildFixtureCar(join(root, 'cars'), {
      id: ID,
      version: '1.0.0',
      isolation,
      source: SPINNER,
    });
    const server = await createManagementServer({
      dataDir: join(root, 'data'),
      config: {
        ...DEFAULT_KERNEL_CONFIG,
        executor: { ...DEFAULT_KERNEL_CONFIG.executor, callTimeoutMs: 8000 },
      },
      restartPolicy: { nextDelay: (attempt: number) => (attempt <= 2 ? 20 : null) },
    });
    servers.push(server);
    await server.start();
    const rt = server.runtime;
    const states: string[] = [];
    rt.lifecycle$.subscribe((e) => states.push(e.to));
    await rt.install({ kind: 'file', path: car }, admin);
    await rt.createResource(
      { id: 'pool-1', kind: 'pool', driverId: ID, properties: { mVip: '10.0.0.1', password: 'x' } },
      admin,
    );
    const before = await rt.router.call('pool-1', 'storage.primary', 'whoami', []);
    const storage = new StorageFacade(rt.router);
    const err = await storage.stats('pool-1', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CHASSIS_E_RESOURCE_OP_TIMEOUT' });
    await expect.poll(() => states.includes('Failed'), { timeout: 10_000 }).toBe(true);
    await expect
      .poll(() => rt.getDriver(ID).versions[0]?.state, { timeout: 10_000 })
      .toBe('Running');
    // A fresh environment serves the resource again (the spinning one was ended).
    const after = await rt.router.call('pool-1', 'storage.primary', 'whoami', [], {
      timeoutMs: 5000,
    });
    expect(after).not.toBe(before);
  });
});
