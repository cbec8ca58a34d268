import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_KERNEL_CONFIG, type KernelConfig } from '@chassis/kernel';
import {
  createManagementServer,
  type ManagementServer,
  type ManagementServerOptions,
} from '../server/management-server.js';
import { buildFixtureCar, type FixtureDriver } from './driver-fixture.js';

/**
 * The default kernel configuration with `trusted` vendors/drivers, so that each fixture driver
 * runs in the tier its `driver.yaml` asks for (in-process by default, where a test can reach it).
 */
export function trustedConfig(
  trusted: readonly string[],
  base: KernelConfig = DEFAULT_KERNEL_CONFIG,
): KernelConfig {
  return { ...base, confinement: { ...base.confinement, trusted: [...trusted] } };
}

/** Options of {@link fixtureServer}: the server's own, plus what to publish and trust. */
export interface FixtureServerOptions extends Partial<ManagementServerOptions> {
  /** Fixture drivers published in `<root>/repo`, the server's `file:` source (before start). */
  readonly repo?: readonly FixtureDriver[];
  /** Trusted driver ids or prefixes (see {@link trustedConfig}). */
  readonly trusted?: readonly string[];
}

/** A started management server in a fresh temporary directory. */
export interface FixtureServer {
  readonly root: string;
  readonly server: ManagementServer;
  /** Stops the server and removes `root`. */
  close(): Promise<void>;
}

/**
 * A management server for integration specs: a temporary root, the `repo` drivers built into
 * `<root>/repo` and offered as its source, data in `<root>/data`, `trusted` drivers in their
 * own tier, started. `close()` undoes it all.
 */
export async function fixtureServer(options: FixtureServerOptions = {}): Promise<FixtureServer> {
  const { repo = [], trusted, ...rest } = options;
  const root = await mkdtemp(join(tmpdir(), 'chassis-fixture-server-'));
  for (const d of repo) await buildFixtureCar(join(root, 'repo'), d);
  const config = trusted ? trustedConfig(trusted, rest.config) : rest.config;
  const server = await createManagementServer({
    dataDir: join(root, 'data'),
    ...(repo.length > 0 ? { sources: [`file:${join(root, 'repo')}`] } : {}),
    ...rest,
    ...(config ? { config } : {}),
  });
  await server.start();
  return {
    root,
    server,
    async close() {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
