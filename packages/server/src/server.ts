import { HYPERVISOR } from '@chassis/hypervisor';
import { type LifecycleEvent, type Logger, serializeError } from '@chassis/kernel';
import { NETWORK_DEVICE } from '@chassis/network';
import type { RepositoryAccess } from '@chassis/repository';
import type { ManagementRuntime, ManagementServer } from '@chassis/runtime';
import { PRIMARY_STORAGE } from '@chassis/storage';
import { serveAdmin } from './admin.js';
import { recordingCategories } from './categories.js';
import { composeServer } from './cluster.js';
import type { ServerSettings } from './config/load.js';
import { formatTransition, heading } from './format.js';
import {
  installedVersions,
  LockWriter,
  loadLockCheck,
  lockFileOf,
  runnableVersions,
  verifyClusterLock,
} from './lock-file.js';
import { printLogger } from './print-logger.js';
import { createRepositorySetup, type SetupDefaults } from './trust.js';
import { watchUpdates } from './update-notices.js';

/** How the configuration file names the trust settings in printed lines and errors. */
const CONFIG_NAMES = {
  ca: 'trust.ca',
  revocations: 'trust.revocations',
  allowUnsigned: 'trust.allowUnsigned',
  trustedRoot: 'repository.trustedRoot',
} as const;

/** A running `chassis-server`. */
export interface RunningServer {
  readonly server: ManagementServer;
  readonly runtime: ManagementRuntime;
  readonly repository: RepositoryAccess | undefined;
  /** The admin API's base URL, when `admin` is configured. */
  readonly adminUrl: string | undefined;
  readonly lockFile: string;
  /** Resolves when the lock file shows every change made so far. */
  lockWritten(): Promise<void>;
  /** Stops update checks, the admin server, then every driver in reverse start order. */
  stop(): Promise<void>;
}

/**
 * What a server composed on top of this one (the example) adds to {@link startServer}; a plain
 * `chassis-server` passes nothing.
 */
export interface StartOptions {
  /** Trust defaults when the operator said nothing (the demo allows its own unsigned CARs). */
  readonly trustDefaults?: SetupDefaults;
  /**
   * Runs once the runtime exists and the admin port (if any) is bound, before any driver
   * starts; a failure stops the server and is the start's error.
   */
  readonly beforeStart?: (runtime: ManagementRuntime) => Promise<void>;
  /** The heading printed before the start (default `Start`). */
  readonly startHeading?: string;
  /**
   * Runs after the start (restore and sources), before the install lock is checked and
   * written: installs the composing server makes itself count for `verifyLock`.
   */
  readonly afterStart?: (runtime: ManagementRuntime) => Promise<void>;
  /** Run the periodic update checks when a repository is configured (default true). */
  readonly watchUpdates?: boolean;
}

/**
 * Starts the server a validated configuration describes: trust policy and TUF repository,
 * the admin port bound before any driver starts (a port in use fails the start with no driver
 * started), restore of the data directory, install of what the sources offer, the install
 * lock and update checks. Every lifecycle transition is printed.
 */
export async function startServer(
  settings: ServerSettings,
  print: (line: string) => void = (line) => console.log(line),
  logger: Logger = printLogger(print, settings.logLevel),
  options: StartOptions = {},
): Promise<RunningServer> {
  const lockCheck = settings.verifyLock ? await loadLockCheck(settings.verifyLock) : undefined;
  const setup = await createRepositorySetup(
    settings.dataDir,
    settings.trust,
    settings.repository
      ? {
          url: settings.repository.url,
          trustedRoot: settings.repository.trustedRoot,
          ...(settings.s3 ? { s3: settings.s3 } : {}),
        }
      : undefined,
    { names: CONFIG_NAMES, ...options.trustDefaults },
  );
  print(heading('Trust'));
  for (const line of setup.lines) print(line);

  const categories = new Map<string, string>();
  const lock = new LockWriter(lockFileOf(settings.dataDir));
  const composed = await composeServer(settings, {
    dataDir: settings.dataDir,
    config: settings.kernel,
    logger,
    sources: settings.sources,
    ...(settings.s3 ? { sourceOptions: { s3: settings.s3 } } : {}),
    extensionPoints: [PRIMARY_STORAGE, NETWORK_DEVICE, HYPERVISOR],
    verify: recordingCategories(setup.verify, categories),
    ...(setup.access
      ? { acquire: setup.access.acquire, updates: setup.access, catalog: setup.access }
      : {}),
    onInstalledChange: (installed) => lock.update(installed),
  });
  const { server, member } = composed;
  if (member) {
    print(heading('Cluster'));
    for (const line of composed.lines) print(line);
  }
  const runtime = server.runtime;
  const subscription = runtime.lifecycle$.subscribe((event: LifecycleEvent) => {
    print(formatTransition(event, categories.get(event.driver)));
  });
  let closeAdmin = async (): Promise<void> => {};
  let updates: { stop(): void } | undefined;
  const stop = async () => {
    updates?.stop();
    try {
      await closeAdmin();
      await (member ? member.stop() : server.stop());
      await lock.flushed();
    } finally {
      subscription.unsubscribe();
    }
  };
  let adminUrl: string | undefined;
  try {
    if (settings.admin) {
      const { admin, url } = await serveAdmin(
        runtime,
        settings.dataDir,
        settings.admin.port,
        print,
        settings.admin.tokens,
        settings.admin.host,
      );
      closeAdmin = () => admin.close();
      adminUrl = url;
    }
    await options.beforeStart?.(runtime);
    print(heading(options.startHeading ?? 'Start'));
    // A cluster member started with its runtime (it had to converge before serving).
    if (!member) await server.start();
    for (const d of runtime.listDrivers()) categories.set(d.id, d.category);
    await options.afterStart?.(runtime);
    if (lockCheck) {
      // A member judges the cluster's installed set and then what runs here after converging.
      if (member)
        verifyClusterLock(
          lockCheck.lock,
          await member.installedSet(),
          runnableVersions(runtime),
          member.id,
        );
      else lockCheck.check(installedVersions(runtime));
      print(
        heading(
          `Install lock ${settings.verifyLock}: the ${member ? "cluster's and this member's " : ''}installed drivers match it`,
        ),
      );
    }
    await lock.enable(installedVersions(runtime));
    if (setup.access && options.watchUpdates !== false) {
      print(heading('Updates'));
      const interval = settings.repository?.updateIntervalSeconds;
      updates = watchUpdates(runtime, print, interval ? interval * 1000 : undefined);
    }
  } catch (err) {
    const error = serializeError(err);
    print(`  ✗ ${error.code} ${error.message}`);
    await stop();
    throw err;
  }
  if (adminUrl)
    print(
      heading(`Admin API and web UI on ${adminUrl}/ (token in ${settings.dataDir}/admin-token)`),
    );
  return {
    server,
    runtime,
    repository: setup.access,
    adminUrl,
    lockFile: lock.file,
    lockWritten: () => lock.flushed(),
    stop,
  };
}
