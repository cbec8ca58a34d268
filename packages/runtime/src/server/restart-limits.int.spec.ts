import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KERNEL_CONFIG, type KernelConfig } from '@chassis/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFixtureCar } from '../testing/driver-fixture.js';
import { createManagementServer, type ManagementServer } from './management-server.js';

const admin = { id: 'alice', roles: ['admin'] };
const ID = 'com.example.crasher';
/** Exits its worker shortly after every start when `marker` does not exist yet (or always). */
const crasher = (marker: string | null) => `import { existsSync, writeFileSync } from 'node:fs';
export default {
  start() {
    const marker = ${JSON.stringify(marker)};
    if (marker && existsSync(marker)) return;
    if (marker) writeFileSync(marker, 'crashed once');
    setTimeout(() => process.exit(3), 30);
  },
  provides: { 'storage.primary': { whoami: () => 'up' } },
};
`;
const dirs: string[] = [];
const servers: ManagementServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop().catch(() => {});
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function serve(source: string, restartLimits: KernelConfig['restartLimits']) {
  const root = await mkdtemp(join(tmpdir(), 'chassis-restarts-'));
  dirs.push(root);
  const car = await buildFixtureCar(join(root, 'cars'), {
    id: ID,
    version: '1.0.0',
    isolation: 'worker',
    source: source.replace('__ROOT__', root),
  });
  const server = await createManagementServer({
    dataDir: join(root, 'data'),
    // Trusted, so it runs in the worker tier it asks for (a worker's exit is a contained fault).
    config: {
      ...DEFAULT_KERNEL_CONFIG,
      restartLimits,
      confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [ID] },
    },
    restartPolicy: { nextDelay: () => 20 },
  });
  servers.push(server);
  await server.start();
  await server.runtime.install({ kind: 'file', path: car }, admin);
  return { rt: server.runtime, root };
}

/**
 * Issue 12.10: the attempt counter never reset and a crash-looping driver was retried forever.
 * Now restarts stop after `restartLimits.maxAttempts` and the version stays `Failed`, with its
 * cause, attempts and last error in the API; a version that stays up is counted afresh.
 */
describe('restart limits (kernel config restartLimits)', () => {
  it('a crash-looping driver is given up after maxAttempts and stays Failed with its cause', async () => {
    const { rt } = await serve(crasher(null), { maxAttempts: 2, healthyAfterMs: 60_000 });
    const transitions: string[] = [];
    rt.lifecycle$.subscribe((e) => transitions.push(e.to));
    await expect
      .poll(() => rt.getDriver(ID).versions[0]?.restarts?.gaveUp, { timeout: 20_000 })
      .toBe(true);
    const v = rt.getDriver(ID).versions[0]!;
    expect(v.state).toBe('Failed');
    expect(v.failure?.code).toBe('CHASSIS_E_LOADER_DRIVER_CRASHED');
    expect(v.restarts).toMatchObject({
      attempts: 2,
      maxAttempts: 2,
      gaveUp: true,
      lastError: { code: 'CHASSIS_E_LOADER_DRIVER_CRASHED' },
    });
    expect(v.restarts?.nextRetryAt).toBeUndefined();
    // Exactly two restarts (Starting twice after the install's own start), none scheduled.
    expect(transitions.filter((t) => t === 'Starting')).toHaveLength(2);
  }, 30_000);

  it('a driver that restarts and stays healthy has its counter reset', async () => {
    const { rt } = await serve(crasher(join('__ROOT__', 'crashed-once')), {
      maxAttempts: 1,
      healthyAfterMs: 200,
    });
    await expect
      .poll(() => rt.getDriver(ID).versions[0]?.restarts?.attempts, { timeout: 20_000 })
      .toBe(1);
    await expect
      .poll(() => rt.getDriver(ID).versions[0]?.state, { timeout: 20_000 })
      .toBe('Running');
    await expect
      .poll(() => rt.getDriver(ID).versions[0]?.restarts, { timeout: 5_000 })
      .toMatchObject({
        attempts: 0,
        gaveUp: false,
        lastError: { code: 'CHASSIS_E_LOADER_DRIVER_CRASHED' },
      });
  }, 30_000);
});
