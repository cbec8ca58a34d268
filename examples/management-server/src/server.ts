import { rm } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import {
  DEFAULT_CATEGORY_RANKS,
  DEFAULT_KERNEL_CONFIG,
  type KernelConfig,
  type LifecycleEvent,
  serializeError,
} from '@chassis/kernel';
import type { RepositoryAccess } from '@chassis/repository';
import type { ManagementRuntime, ManagementServer, Principal } from '@chassis/runtime';
import { FLAG_NAMES, startServer } from '@chassis/server';
import { DRIVER_COLUMN, heading } from './format.js';
import { DEFAULT_DATA_DIR, DEFAULT_REPOSITORY_DIR } from './paths.js';
import { type LogLevel, printLogger } from './print-logger.js';
import { listRepository, planInstall, type RefusedCar, type RepositoryCar } from './repository.js';
import { EXAMPLE_TRUST_DEFAULTS, type TrustOptions, type TufOptions } from './trust.js';

/** The principal the example acts as (recorded in the upgrade history). */
export const DEMO_PRINCIPAL: Principal = { id: 'system:example', roles: ['admin'] };

/** Options of {@link startExampleServer}. */
export interface ExampleServerOptions {
  /**
   * Folder of CARs to install at start (default: the packed example drivers; none when `tuf`
   * is given).
   */
  readonly repositoryDir?: string;
  /** Signed (TUF) repository that installs and upgrades by id and update checks use. */
  readonly tuf?: TufOptions;
  /** Which CARs are accepted (project CA, revocations, ids allowed unsigned). */
  readonly trust?: TrustOptions;
  /**
   * An install lock the installed set must match once started; otherwise the server stops and
   * the start fails with `CHASSIS_E_LOCK_MISMATCH` (and `<dataDir>/chassis.lock` is left as it was).
   */
  readonly verifyLock?: string;
  /** State, CAR cache and secret key (default `.chassis/demo-data` under the package). */
  readonly dataDir?: string;
  /** Delete `dataDir` first so that the run starts from nothing (the demo does). */
  readonly fresh?: boolean;
  /**
   * Runs once the runtime exists, before any driver starts: binds the admin port, so a port in
   * use fails the start (`CHASSIS_E_ADMIN_PORT_IN_USE`) with no driver started. A failure stops
   * the server (releasing the data directory) and is the start's error.
   */
  readonly beforeStart?: (runtime: ManagementServer['runtime']) => Promise<void>;
  /** Where lines go (default `console.log`). */
  readonly print?: (line: string) => void;
  /** Lowest level of server and driver log lines to print (default `warn`). */
  readonly logLevel?: LogLevel;
  readonly config?: KernelConfig;
}

/** A started example server. */
export interface ExampleServer {
  readonly server: ManagementServer;
  readonly runtime: ManagementRuntime;
  readonly dataDir: string;
  /** The folder of CARs installed at start, if any. */
  readonly repositoryDir: string | undefined;
  /** The TUF repository, when one is configured. */
  readonly repository: RepositoryAccess | undefined;
  /** `<dataDir>/chassis.lock`: kept equal to the installed set after every change. */
  readonly lockFile: string;
  /** Resolves when the lock file shows every change made so far. */
  lockWritten(): Promise<void>;
  /** The repository's CARs, in the order they were installed (and started). */
  readonly installed: readonly RepositoryCar[];
  /** CARs of the repository that were not installed, with the reason. */
  readonly refused: readonly RefusedCar[];
  /** Every lifecycle transition seen so far, in order. */
  readonly transitions: readonly LifecycleEvent[];
  /** Stops every driver in the exact reverse of the start order. */
  stop(): Promise<void>;
}

/**
 * Starts `@chassis/server`'s server (`startServer`: trust policy and TUF repository, data
 * directory, install lock, lifecycle printing) with the embedded defaults (local directory state
 * store under `dataDir`) and installs every CAR of the repository folder that is not installed
 * yet, in the kernel's start order (network → storage → hypervisor, dependencies first). With a
 * kept data directory, installed drivers and resources are restored first, in the same order.
 *
 * Every CAR passes the trust policy first (`options.trust`: project CA, revocations, ids allowed
 * unsigned — by default the three unsigned example drivers when no CA is given). With
 * `options.tuf`, installs and upgrades by id come from that verified repository and
 * `runtime.checkUpdates()` asks it for newer versions. `<dataDir>/chassis.lock` is rewritten
 * after every install, upgrade, rollback and uninstall; `options.verifyLock` refuses a start
 * whose installed set (after the repository's installs) differs from a given lock.
 */
export async function startExampleServer(
  options: ExampleServerOptions = {},
): Promise<ExampleServer> {
  const print = options.print ?? ((line: string) => console.log(line));
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const repositoryDir = options.repositoryDir ?? (options.tuf ? undefined : DEFAULT_REPOSITORY_DIR);
  const config = options.config ?? DEFAULT_KERNEL_CONFIG;
  const logLevel = options.logLevel ?? 'warn';
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });

  const { cars, refused }: { cars: RepositoryCar[]; refused: RefusedCar[] } = repositoryDir
    ? await listRepository(repositoryDir)
    : { cars: [], refused: [] };
  const ranks = { ...DEFAULT_CATEGORY_RANKS, ...config.categories };
  const order = Object.keys(ranks).sort((a, b) => (ranks[a] ?? 0) - (ranks[b] ?? 0));
  const transitions: LifecycleEvent[] = [];
  const installed: RepositoryCar[] = [];
  let subscription: { unsubscribe(): void } | undefined;

  // The repository folder is installed here rather than as a source, so the demo can report
  // what it installed and refused, in plan order.
  const installRepository = async (runtime: ManagementRuntime) => {
    const present = new Set(
      runtime.listDrivers().flatMap((d) => d.versions.map((v) => `${d.id}@${v.version}`)),
    );
    const plan = planInstall(cars, config.categories);
    for (const f of plan.failed) {
      print(
        `  ✗ ${f.car.id}@${f.car.version} cannot be ordered: ${f.error.code} ${f.error.message}`,
      );
      refused.push({ file: f.car.file, error: f.error });
    }
    for (const car of plan.start) {
      if (present.has(`${car.id}@${car.version}`)) continue;
      try {
        await runtime.install({ kind: 'file', path: car.file }, DEMO_PRINCIPAL);
        installed.push(car);
      } catch (err) {
        const error = serializeError(err);
        print(`  ✗ ${car.id}@${car.version} was not installed: ${error.code} ${error.message}`);
        refused.push({ file: car.file, error });
      }
    }
  };

  const running = await startServer(
    {
      configFile: undefined,
      dataDir,
      logLevel,
      sources: [],
      s3: options.tuf?.s3,
      repository: options.tuf
        ? { url: options.tuf.url, trustedRoot: options.tuf.trustedRoot }
        : undefined,
      trust: options.trust ?? {},
      admin: undefined,
      kernel: config,
      verifyLock: options.verifyLock,
    },
    print,
    printLogger(print, logLevel),
    {
      trustDefaults: { ...EXAMPLE_TRUST_DEFAULTS, names: FLAG_NAMES },
      startHeading: `Start (category order: ${order.join(' → ')})`,
      watchUpdates: false,
      beforeStart: async (runtime) => {
        subscription = runtime.lifecycle$.subscribe((event) => transitions.push(event));
        if (repositoryDir)
          print(
            heading(
              `Repository ${relative(process.cwd(), repositoryDir) || '.'}: ${cars.length} CARs`,
            ),
          );
        for (const c of cars)
          print(
            `  ${c.category.padEnd(10)} ${`${c.id}@${c.version}`.padEnd(DRIVER_COLUMN)} ${c.name} [${c.isolation}]`,
          );
        for (const r of refused)
          print(`  ✗ ${basename(r.file)} refused: ${r.error.code} ${r.error.message}`);
        await options.beforeStart?.(runtime);
      },
      afterStart: installRepository,
    },
  ).catch((err: unknown) => {
    subscription?.unsubscribe();
    throw err;
  });

  return {
    server: running.server,
    runtime: running.runtime,
    dataDir,
    repositoryDir,
    repository: running.repository,
    lockFile: running.lockFile,
    lockWritten: () => running.lockWritten(),
    installed,
    refused,
    transitions,
    async stop() {
      try {
        await running.stop();
      } finally {
        subscription?.unsubscribe();
      }
    },
  };
}
