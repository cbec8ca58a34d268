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
import type { Transport } from '../rpc/transport.js';
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
 * What spawning a driver's environment needs, all known from its descriptor and the loader's
 * config before its CAR is extracted (the process tier's read grant names `dir`, which is the
 * CAR's digest folder in the cache, before that folder exists).
 */
export interface SpawnPlan {
  readonly tier: IsolationTier;
  readonly driver: { readonly id: string; readonly version: string };
  /** The extracted CAR folder the driver's code will be loaded from. */
  readonly dir: string;
  readonly confinement: DriverConfinement;
  readonly limits: DriverLimits;
}

/**
 * An environment spawned (its guest bootstrap booting) but not yet told what to load: either
 * {@link attach}ed once with the driver's init, or {@link dispose}d.
 */
export interface SpawnedEnvironment {
  readonly plan: SpawnPlan;
  /** Sends the driver's init; resolves once its entry is loaded (see `createRemoteEnvironment`). */
  attach(init: GuestInit): Promise<Environment>;
  /** Ends an environment never attached (no leaked worker, child process or scratch folder). */
  dispose(): Promise<void>;
}

/**
 * Spawns the execution environment of one driver in its tier and loads its entry: in-process,
 * a worker thread (heap-capped, filtered env), or a confined child process (permission model,
 * own scratch folder, removed when the process is gone).
 */
export async function createTierEnvironment(
  settings: TierEnvironmentSettings,
  tier: IsolationTier,
  init: GuestInit,
  logger: Logger,
  confinement: DriverConfinement,
  limits: DriverLimits,
): Promise<Environment> {
  const plan: SpawnPlan = { tier, driver: init.driver, dir: init.dir, confinement, limits };
  return (await spawnTierEnvironment(settings, plan, logger)).attach(init);
}

/**
 * Starts a driver's environment from its {@link SpawnPlan} alone: the guest bootstrap boots
 * (Node's worker or process start, most of a start's CPU) while the caller still extracts the
 * CAR. Nothing of the driver is read until {@link SpawnedEnvironment.attach}.
 */
export async function spawnTierEnvironment(
  settings: TierEnvironmentSettings,
  plan: SpawnPlan,
  logger: Logger,
): Promise<SpawnedEnvironment> {
  const { tier, driver, confinement, limits } = plan;
  const loadTimeoutMs = settings.loadTimeoutMs ?? 10_000;
  const hostEnv = settings.hostEnv ?? process.env;
  const output = createOutputSink(logger, settings.output);
  const remote = (transport: Transport) => (init: GuestInit) =>
    createRemoteEnvironment({
      tier: tier as Exclude<IsolationTier, 'in-process'>,
      transport,
      init,
      logger,
      loadTimeoutMs,
      heapLimitMb: limits.heapMb,
      maxMessageBytes: limits.maxMessageBytes,
    });
  switch (tier) {
    case 'in-process':
      return {
        plan,
        attach: (init) => createInProcessEnvironment(init, logger),
        dispose: async () => undefined,
      };
    case 'worker': {
      const resourceLimits: ResourceLimits = {
        ...settings.workerResourceLimits,
        maxOldGenerationSizeMb: limits.heapMb,
      };
      const transport = createWorkerTransport({
        resourceLimits,
        name: `${driver.id}@${driver.version}`,
        env: driverEnv(confinement.env, hostEnv),
        maxMessageBytes: limits.maxMessageBytes,
        onOutput: (stream, text) => output.write(stream, text),
      });
      return { plan, attach: remote(transport), dispose: () => transport.terminate() };
    }
    case 'process': {
      const scratch = await createScratchDir(settings.scratchRoot, driver.id);
      const execArgv = confinedExecArgv({
        flags: detectPermissionFlags(),
        carDir: plan.dir,
        bootDirs: guestBootDirs(),
        scratchDir: scratch,
        permissions: confinement.permissions,
        heapMb: limits.heapMb,
      });
      let transport: Transport;
      try {
        transport = createProcessTransport({
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
        });
      } catch (err) {
        await removeScratchDir(scratch);
        throw err;
      }
      const load = remote(transport);
      return {
        plan,
        attach: async (init) => {
          try {
            return await load(init);
          } catch (err) {
            await removeScratchDir(scratch);
            throw err;
          }
        },
        dispose: async () => {
          await transport.terminate();
          await removeScratchDir(scratch);
        },
      };
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
  const dist = dirname(fileURLToPath(bootstrapUrl('process')));
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
