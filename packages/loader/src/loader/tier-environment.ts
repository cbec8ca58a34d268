import { realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import type {
  ConfinementConfig,
  DriverConfinement,
  DriverLimits,
  IsolationTier,
  Logger,
} from '@chassis/kernel';
import { bootstrapUrl } from '../bootstrap-path.js';
import { driverEnv } from '../confine/env.js';
import { detectPermissionFlags } from '../confine/node-flags.js';
import { createOutputSink } from '../confine/output.js';
import { confinedExecArgv } from '../confine/process-args.js';
import { createScratchDir, removeScratchDir } from '../confine/scratch.js';
import type { Environment } from '../handle/environment.js';
import { createInProcessEnvironment } from '../handle/in-process-environment.js';
import { createRemoteEnvironment } from '../handle/remote-environment.js';
import { createProcessTransport } from '../rpc/process-transport.js';
import type { GuestInit } from '../rpc/protocol.js';
import { createWorkerTransport } from '../rpc/worker-transport.js';

/** The loader settings an environment needs (see `DriverLoaderOptions`). */
export interface TierEnvironmentSettings {
  /** How long the guest may take to load the driver. Default 10 s. */
  readonly loadTimeoutMs?: number;
  /** The host environment a driver's allowed variables are taken from. Default `process.env`. */
  readonly hostEnv?: NodeJS.ProcessEnv;
  /** Rate limit of a driver's stdout/stderr. */
  readonly output: ConfinementConfig['output'];
  readonly workerResourceLimits?: ResourceLimits;
  /** Parent of the process tier's per-driver scratch folders. */
  readonly scratchRoot?: string;
}

/**
 * Spawns the execution environment of one driver in its tier: in-process, a worker thread
 * (heap-capped, filtered env), or a confined child process (permission model, own scratch
 * folder, removed when the process is gone).
 */
export async function createTierEnvironment(
  settings: TierEnvironmentSettings,
  tier: IsolationTier,
  init: GuestInit,
  logger: Logger,
  confinement: DriverConfinement,
  limits: DriverLimits,
): Promise<Environment> {
  const loadTimeoutMs = settings.loadTimeoutMs ?? 10_000;
  const hostEnv = settings.hostEnv ?? process.env;
  const output = createOutputSink(logger, settings.output);
  switch (tier) {
    case 'in-process':
      return createInProcessEnvironment(init, logger);
    case 'worker': {
      const resourceLimits: ResourceLimits = {
        ...settings.workerResourceLimits,
        maxOldGenerationSizeMb: limits.heapMb,
      };
      return createRemoteEnvironment({
        tier,
        transport: createWorkerTransport({
          resourceLimits,
          name: `${init.driver.id}@${init.driver.version}`,
          env: driverEnv(confinement.env, hostEnv),
          maxMessageBytes: limits.maxMessageBytes,
          onOutput: (stream, text) => output.write(stream, text),
        }),
        init,
        logger,
        loadTimeoutMs,
        heapLimitMb: limits.heapMb,
        maxMessageBytes: limits.maxMessageBytes,
      });
    }
    case 'process': {
      const scratch = await createScratchDir(settings.scratchRoot, init.driver.id);
      const execArgv = confinedExecArgv({
        flags: detectPermissionFlags(),
        carDir: init.dir,
        bootDirs: guestBootDirs(),
        scratchDir: scratch,
        permissions: confinement.permissions,
        heapMb: limits.heapMb,
      });
      try {
        return await createRemoteEnvironment({
          tier,
          transport: createProcessTransport({
            maxOldGenerationSizeMb: limits.heapMb,
            execArgv,
            env: driverEnv(confinement.env, hostEnv, {
              TMPDIR: scratch,
              DRIVER_SCRATCH_DIR: scratch,
            }),
            cwd: scratch,
            maxMessageBytes: limits.maxMessageBytes,
            onOutput: (stream, text) => output.write(stream, text),
            onGone: () => {
              output.end();
              void removeScratchDir(scratch);
            },
          }),
          init,
          logger,
          loadTimeoutMs,
          heapLimitMb: limits.heapMb,
          maxMessageBytes: limits.maxMessageBytes,
        });
      } catch (err) {
        await removeScratchDir(scratch);
        throw err;
      }
    }
  }
}

let bootDirs: string[] | undefined;

/**
 * What Node must read to boot the guest: the loader's compiled files and the kernel package
 * whose `errors`/`messages` subpaths the guest imports (its real folder and the link the
 * resolution walks through). Nothing there is secret.
 */
function guestBootDirs(): string[] {
  if (bootDirs) return bootDirs;
  const dist = dirname(fileURLToPath(bootstrapUrl()));
  const link = join(dirname(dist), 'node_modules', '@chassis', 'kernel');
  let kernel: string;
  try {
    const entry = fileURLToPath(import.meta.resolve('@chassis/kernel/errors'));
    kernel = entry.slice(0, entry.lastIndexOf(`${sep}dist${sep}`));
  } catch {
    // import.meta.resolve is missing under some test transforms; the workspace link is the same package.
    kernel = realpathSync(link);
  }
  bootDirs = [...new Set([dist, kernel, link])];
  return bootDirs;
}
