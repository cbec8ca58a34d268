import { rm } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import {
  DEFAULT_CATEGORY_RANKS,
  DEFAULT_KERNEL_CONFIG,
  type KernelConfig,
  type LifecycleEvent,
  serializeError,
} from '@chassis/kernel';
import {
  createManagementServer,
  type ManagementRuntime,
  type ManagementServer,
  type Principal,
} from '@chassis/runtime';
import { DRIVER_COLUMN, formatTransition, heading } from './format.js';
import { DEFAULT_DATA_DIR, DEFAULT_REPOSITORY_DIR } from './paths.js';
import { type LogLevel, printLogger } from './print-logger.js';
import { listRepository, planInstall, type RefusedCar, type RepositoryCar } from './repository.js';

/** The principal the example acts as (recorded in the upgrade history). */
export const DEMO_PRINCIPAL: Principal = { id: 'system:example', roles: ['admin'] };

/** Options of {@link startExampleServer}. */
export interface ExampleServerOptions {
  /** Folder of CARs to install at start (default: the packed example drivers). */
  readonly repositoryDir?: string;
  /** State, CAR cache and secret key (default `.chassis/demo-data` under the package). */
  readonly dataDir?: string;
  /** Delete `dataDir` first so that the run starts from nothing (the demo does). */
  readonly fresh?: boolean;
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
  readonly repositoryDir: string;
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
 */
export async function startExampleServer(
  options: ExampleServerOptions = {},
): Promise<ExampleServer> {
  const print = options.print ?? ((line: string) => console.log(line));
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const repositoryDir = options.repositoryDir ?? DEFAULT_REPOSITORY_DIR;
  const config = options.config ?? DEFAULT_KERNEL_CONFIG;
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });

  const { cars, refused } = await listRepository(repositoryDir);
  const categories = new Map(cars.map((c) => [c.id, c.category]));
  const ranks = { ...DEFAULT_CATEGORY_RANKS, ...config.categories };
  const order = Object.keys(ranks).sort((a, b) => (ranks[a] ?? 0) - (ranks[b] ?? 0));
  print(
    heading(`Repository ${relative(process.cwd(), repositoryDir) || '.'}: ${cars.length} CARs`),
  );
  for (const c of cars)
    print(
      `  ${c.category.padEnd(10)} ${`${c.id}@${c.version}`.padEnd(DRIVER_COLUMN)} ${c.name} [${c.isolation}]`,
    );
  for (const r of refused)
    print(`  ✗ ${basename(r.file)} refused: ${r.error.code} ${r.error.message}`);

  const server = await createManagementServer({
    dataDir,
    config,
    logger: printLogger(print, options.logLevel ?? 'warn'),
  });
  const runtime = server.runtime;
  const transitions: LifecycleEvent[] = [];
  const subscription = runtime.lifecycle$.subscribe((event) => {
    transitions.push(event);
    print(formatTransition(event, categories.get(event.driver)));
  });

  print(heading(`Start (category order: ${order.join(' → ')})`));
  await server.start();
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

  return {
    server,
    runtime,
    dataDir,
    repositoryDir,
    installed,
    refused,
    transitions,
    async stop() {
      try {
        await server.stop();
      } finally {
        subscription.unsubscribe();
      }
    },
  };
}
