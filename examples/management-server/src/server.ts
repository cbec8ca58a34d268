import { rm } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { HYPERVISOR } from '@chassis/hypervisor';
import {
  DEFAULT_CATEGORY_RANKS,
  DEFAULT_KERNEL_CONFIG,
  type KernelConfig,
  type LifecycleEvent,
  serializeError,
} from '@chassis/kernel';
import { NETWORK_DEVICE } from '@chassis/network';
import type { RepositoryAccess } from '@chassis/repository';
import {
  createManagementServer,
  type ManagementRuntime,
  type ManagementServer,
  type Principal,
} from '@chassis/runtime';
import { recordingCategories } from '@chassis/server';
import { PRIMARY_STORAGE } from '@chassis/storage';
import { DRIVER_COLUMN, formatTransition, heading } from './format.js';
import { installedVersions, LockWriter, loadLockCheck, lockFileOf } from './lock-file.js';
import { DEFAULT_DATA_DIR, DEFAULT_REPOSITORY_DIR } from './paths.js';
import { type LogLevel, printLogger } from './print-logger.js';
import { listRepository, planInstall, type RefusedCar, type RepositoryCar } from './repository.js';
import { createRepositorySetup, type TrustOptions, type TufOptions } from './trust.js';

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
 * Composes a management server with the embedded defaults (local directory state store under
 * `dataDir`) and installs every CAR of the repository folder that is not installed yet, in the
 * kernel's start order (network → storage → hypervisor, dependencies first). Every lifecycle
 * transition is printed as it happens. With a kept data directory, installed drivers and
 * resources are restored first, in the same order.
 *
 * Every CAR passes the trust policy first (`options.trust`: project CA, revocations, ids allowed
 * unsigned — by default the three unsigned example drivers when no CA is given). With
 * `options.tuf`, installs and upgrades by id come from that verified repository and
 * `runtime.checkUpdates()` asks it for newer versions. `<dataDir>/chassis.lock` is rewritten
 * after every install, upgrade, rollback and uninstall; `options.verifyLock` refuses a start
 * whose installed set differs from a given lock.
 */
export async function startExampleServer(
  options: ExampleServerOptions = {},
): Promise<ExampleServer> {
  const print = options.print ?? ((line: string) => console.log(line));
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const repositoryDir = options.repositoryDir ?? (options.tuf ? undefined : DEFAULT_REPOSITORY_DIR);
  const config = options.config ?? DEFAULT_KERNEL_CONFIG;
  // Read before anything starts: the lock is judged as the operator gave it.
  const lockCheck = options.verifyLock ? await loadLockCheck(options.verifyLock) : undefined;
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });

  const setup = await createRepositorySetup(dataDir, options.trust, options.tuf);
  print(heading('Trust'));
  for (const line of setup.lines) print(line);

  const { cars, refused }: { cars: RepositoryCar[]; refused: RefusedCar[] } = repositoryDir
    ? await listRepository(repositoryDir)
    : { cars: [], refused: [] };
  const categories = new Map(cars.map((c) => [c.id, c.category]));
  const ranks = { ...DEFAULT_CATEGORY_RANKS, ...config.categories };
  const order = Object.keys(ranks).sort((a, b) => (ranks[a] ?? 0) - (ranks[b] ?? 0));
  if (repositoryDir) {
    print(
      heading(`Repository ${relative(process.cwd(), repositoryDir) || '.'}: ${cars.length} CARs`),
    );
  }
  for (const c of cars)
    print(
      `  ${c.category.padEnd(10)} ${`${c.id}@${c.version}`.padEnd(DRIVER_COLUMN)} ${c.name} [${c.isolation}]`,
    );
  for (const r of refused)
    print(`  ✗ ${basename(r.file)} refused: ${r.error.code} ${r.error.message}`);

  const lock = new LockWriter(lockFileOf(dataDir));
  const logger = printLogger(print, options.logLevel ?? 'warn');
  const server = await createManagementServer({
    dataDir,
    config,
    logger,
    // A CAR whose contract range this server does not speak is refused at install.
    extensionPoints: [PRIMARY_STORAGE, NETWORK_DEVICE, HYPERVISOR],
    // Learns each CAR's category once it passed the trust check (lifecycle lines name it).
    verify: recordingCategories(setup.verify, categories),
    ...(setup.access ? { acquire: setup.access.acquire, updates: setup.access } : {}),
    onInstalledChange: (installed) => lock.update(installed),
  });
  const runtime = server.runtime;
  const transitions: LifecycleEvent[] = [];
  const subscription = runtime.lifecycle$.subscribe((event) => {
    transitions.push(event);
    print(formatTransition(event, categories.get(event.driver)));
  });
  const stop = async () => {
    try {
      await server.stop();
    } finally {
      subscription.unsubscribe();
    }
  };

  if (options.beforeStart) {
    try {
      await options.beforeStart(runtime);
    } catch (err) {
      await stop();
      throw err;
    }
  }
  print(heading(`Start (category order: ${order.join(' → ')})`));
  await server.start();
  for (const d of runtime.listDrivers()) categories.set(d.id, d.category);
  const present = new Set(
    runtime.listDrivers().flatMap((d) => d.versions.map((v) => `${d.id}@${v.version}`)),
  );
  const plan = planInstall(cars, config.categories);
  for (const f of plan.failed) {
    print(`  ✗ ${f.car.id}@${f.car.version} cannot be ordered: ${f.error.code} ${f.error.message}`);
    refused.push({ file: f.car.file, error: f.error });
  }
  const installed: RepositoryCar[] = [];
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

  if (lockCheck) {
    try {
      lockCheck.check(installedVersions(runtime));
      print(heading(`Install lock ${options.verifyLock}: the installed drivers match it`));
    } catch (err) {
      const error = serializeError(err);
      print(heading(`Install lock ${options.verifyLock}: refused`));
      print(`  ✗ ${error.code} ${error.message}`);
      print(heading('Stop (exact reverse of the start order)'));
      await stop();
      throw err;
    }
  }
  await lock.enable(installedVersions(runtime));

  return {
    server,
    runtime,
    dataDir,
    repositoryDir,
    repository: setup.access,
    lockFile: lock.file,
    lockWritten: () => lock.flushed(),
    installed,
    refused,
    transitions,
    stop,
  };
}
