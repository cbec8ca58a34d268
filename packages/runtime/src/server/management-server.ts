import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createKernelContainer,
  DEFAULT_KERNEL_CONFIG,
  type DriverHandle,
  type ExtensionPoint,
  type KernelConfig,
  LifecycleManager,
  type Logger,
  ResourceRegistry,
  resolveConfinement,
  SecretBox,
  type StateStore,
  serializeError,
  silentLogger,
  systemClock,
} from '@chassis/kernel';
import {
  type BackoffPolicy,
  CarCache,
  type CreateSourceOptions,
  DriverLoader,
  type ManagedDriverHandle,
} from '@chassis/loader';
import type { CatalogSource } from '../api/catalog.js';
import type { UpgradeRecord } from '../api/runtime-api.js';
import { DriverManager } from '../manager/driver-manager.js';
import type { DriverReconcileResult } from '../manager/reconcile.js';
import { RestartSupervisor } from '../manager/restart-supervisor.js';
import type { CarAcquirer, TrustVerifier } from '../manager/types.js';
import { type DataDirLock, lockDataDir } from '../state/data-dir-lock.js';
import { DirectoryStateStore } from '../state/directory-state-store.js';
import { collectCache, sweepUploads } from './leftovers.js';
import { cachedVersionLoader, directoryCarKeeper } from './loader-adapter.js';
import { ManagementRuntime, type UpdateChecker } from './management-runtime.js';
import type { ResourcePlacement } from './placement.js';
import type { ResourceReconcileResult } from './resource-reconcile.js';
import { ResourceService } from './resource-service.js';
import { loadSecretBox } from './secret-key.js';
import { type SharedCarStore, sharedCarKeeper } from './shared-cars.js';
import { scanSources } from './source-scan.js';

/** Options of {@link createManagementServer}. Everything but `dataDir` has an embedded default. */
export interface ManagementServerOptions {
  /** Where state, the CAR cache, kept CARs and the secret key live. */
  readonly dataDir: string;
  /** CAR sources (`file:`/`http(s):`/`s3://`) scanned at start: every CAR found is installed. */
  readonly sources?: readonly string[];
  /** How `sources` are reached (S3 endpoint, region, credentials; size caps and deadlines). */
  readonly sourceOptions?: CreateSourceOptions;
  /** Validated kernel configuration (see `parseKernelConfig`). */
  readonly config?: KernelConfig;
  readonly logger?: Logger;
  /** State store; default a {@link DirectoryStateStore} under `dataDir/state`. */
  readonly store?: StateStore;
  /** Trust verification before a CAR is loaded (e.g. the repository's `verifyCarTrust`). */
  readonly verify?: TrustVerifier;
  /** Fetches CARs from a repository for installs/upgrades by id. */
  readonly acquire?: CarAcquirer;
  readonly updates?: UpdateChecker;
  /** The repository's offers behind the runtime's catalog search (e.g. the repository access). */
  readonly catalog?: CatalogSource;
  /** When to restart a driver whose environment faulted; default: the loader's exponential backoff. */
  readonly restartPolicy?: BackoffPolicy;
  /**
   * The host's extension points (e.g. the facades' `PRIMARY_STORAGE`): a CAR whose `provides`
   * does not fit them is refused at install with a typed `CHASSIS_E_EXT_*` code.
   */
  readonly extensionPoints?: readonly ExtensionPoint<unknown>[];
  /**
   * Called with every installed version (id, version, CAR digest) after each successful
   * install/upgrade/rollback/uninstall, e.g. to write an install lock file that another server
   * can reproduce.
   */
  readonly onInstalledChange?: (installed: readonly InstalledVersionRef[]) => Promise<void> | void;
  /**
   * Cluster mode: kept CARs live in this shared store (a local copy stays under
   * `dataDir/cars`), so every member can load every installed version. A member fetches a
   * version it never had by digest and verifies it again (digest, manifest, trust check).
   */
  readonly carStore?: SharedCarStore;
  /**
   * Cluster mode: which resources run here. Only owned resources get a local compartment; the
   * others are bound to the placement's handle (forwarding or refusing). Default: all run here.
   */
  readonly placement?: ResourcePlacement;
  /**
   * The key sealing secret property values (base64, see `SecretBox.generateKey`); default
   * `CHASSIS_SECRET_KEY`, else `dataDir/secret.key`. Members of a cluster share one.
   */
  readonly secretKey?: string;
  /**
   * Recover actions a crash cut short at `start()` (default true). A cluster member leaves it
   * to the leader: another member's action in progress is not interrupted.
   */
  readonly recoverAtStart?: boolean;
}

/** One installed driver version, as recorded in an install lock. */
export interface InstalledVersionRef {
  readonly id: string;
  readonly version: string;
  readonly sha256: string;
}

/** A composed management server: runtime, facade router, lifecycle; `start()`/`stop()`. */
export interface ManagementServer {
  readonly runtime: ManagementRuntime;
  /** Restores installed drivers and resources, then installs what the sources offer. */
  start(): Promise<void>;
  /** Installs every CAR of the sources that is not installed yet. */
  scan(): Promise<UpgradeRecord[]>;
  /**
   * Cluster mode: one convergence pass to the records other servers wrote in the shared store
   * (drivers, then resources, then drivers again to unload what no resource uses any more).
   * The install lock (`onInstalledChange`) follows when the installed set changed here.
   */
  reconcile(): Promise<{ drivers: DriverReconcileResult; resources: ResourceReconcileResult }>;
  /** Stops every driver in the exact reverse of the start order. */
  stop(): Promise<void>;
}

/**
 * Composes kernel, loader and runtime into a management server with the embedded defaults:
 * a local directory state store, a content-addressed CAR cache and kept CARs under `dataDir`.
 */
export async function createManagementServer(
  options: ManagementServerOptions,
): Promise<ManagementServer> {
  const logger = options.logger ?? silentLogger;
  const config = options.config ?? DEFAULT_KERNEL_CONFIG;
  const dataDir = options.dataDir;
  await mkdir(dataDir, { recursive: true });
  // One server per data directory, before anything else reads or writes it.
  const dirLock = await lockDataDir(dataDir, {
    onCompromised: (err) =>
      logger.error({ dataDir, err: serializeError(err) }, 'data directory lock lost'),
  });
  try {
    return await composeServer(options, logger, config, dataDir, dirLock);
  } catch (err) {
    await dirLock.release();
    throw err;
  }
}

async function composeServer(
  options: ManagementServerOptions,
  logger: Logger,
  config: KernelConfig,
  dataDir: string,
  dirLock: DataDirLock,
): Promise<ManagementServer> {
  const uploads = await sweepUploads(dataDir);
  const store = options.store ?? new DirectoryStateStore(join(dataDir, 'state'));
  const lifecycle = new LifecycleManager();
  // The compartments own every facade call's deadline; the executor only limits concurrency.
  const resources = new ResourceRegistry<DriverHandle>({
    timeoutMs: config.executor.callTimeoutMs,
  });
  const kernelContainer = createKernelContainer({
    logger,
    clock: systemClock,
    lifecycle,
    resources,
    config,
  });
  const loader = new DriverLoader({
    kernelContainer,
    logger,
    defaultTier: config.isolation.default,
    tierOverrides: config.isolation.overrides,
    // Untrusted drivers run confined; each gets a scratch folder under <dataDir>/scratch.
    confinement: config.confinement ?? DEFAULT_KERNEL_CONFIG.confinement,
    scratchRoot: join(dataDir, 'scratch'),
    ...(options.restartPolicy ? { restart: options.restartPolicy } : {}),
    // A stack capture per call costs more than a worker round trip: only when debugging.
    callerStacks: config.log.level === 'debug',
    ...(options.extensionPoints ? { extensionPoints: options.extensionPoints } : {}),
    executor: {
      concurrency: config.executor.concurrency,
      maxQueue: config.executor.queueLimit,
    },
  });
  const cache = new CarCache(join(dataDir, 'cache'), {}, logger);
  // Scratch folders of a previous run (killed before it could remove them) are garbage.
  await rm(join(dataDir, 'scratch'), { recursive: true, force: true });
  let stopping = false;
  // Declared before the manager because faults may arrive from any loaded handle.
  let manager: DriverManager;
  const supervisor = new RestartSupervisor({
    limits: config.restartLimits ?? DEFAULT_KERNEL_CONFIG.restartLimits,
    restart: (id, version) => manager.restart(id, version),
    logger,
  });
  // Whatever brought a version up (supervisor, operator, upgrade), its health is timed from now.
  lifecycle.lifecycle$.subscribe((e) => {
    if (e.from === 'Starting' && e.to === 'Running') supervisor.up(e.driver, e.version);
  });
  // Late-bound: the resource service needs the manager, the manager asks it before moves.
  let resourceService: ResourceService;
  const onFault = (handle: ManagedDriverHandle, fault: Parameters<typeof serializeError>[0]) => {
    const { id, version } = handle;
    const state = lifecycle.get(id, version)?.state;
    if (state === 'Running' || state === 'Suspended' || state === 'Starting')
      lifecycle.transition(id, version, 'Failed', fault);
    if (!stopping) supervisor.fault(id, version, fault, handle.restartPolicy);
  };
  const kept = options.carStore
    ? sharedCarKeeper(options.carStore, join(dataDir, 'cars'))
    : { keep: directoryCarKeeper(join(dataDir, 'cars')) };
  manager = new DriverManager({
    lifecycle,
    resources,
    store,
    loader: cachedVersionLoader(loader, cache, onFault),
    keep: kept.keep,
    ...('fetch' in kept ? { fetchCar: kept.fetch } : {}),
    ...(options.verify ? { verify: options.verify } : {}),
    ...(options.acquire ? { acquire: options.acquire } : {}),
    checkMove: (ids, to) => resourceService.checkMove(ids, to),
    onInstallRefused: () => void gc(),
    bindings: {
      rebind: (ids, binding, states) => resourceService.rebind(ids, binding, states),
      stateOf: (id) => resourceService.stateOf(id),
      pinned: (id) => resourceService.pinned(id),
      boundIds: (id, version) =>
        resourceService.placed.boundTo(id, version).map((e) => e.resource.id),
    },
    logger,
    startTimeoutMs: config.lifecycle.startTimeoutMs,
    stopTimeoutMs: config.lifecycle.stopTimeoutMs,
    ranks: config.categories,
  });
  // Extracted CARs no installed version refers to any more are garbage: after a version
  // left, after a refused install (`onInstallRefused`), and at start (a crash may have cut either short).
  const gc = () => collectCache(cache, manager, logger);
  manager.upgrades$.subscribe((r) => {
    if (r.result === 'succeeded' && r.action !== 'install') void gc();
  });
  const notifyInstalled = () => {
    const notify = options.onInstalledChange;
    if (!notify) return;
    const installed = [...manager.drivers.values()].flatMap((i) =>
      i.record.versions.map((v) => ({ id: i.record.id, version: v.version, sha256: v.sha256 })),
    );
    Promise.resolve(notify(installed)).catch((err) =>
      logger.error({ err: serializeError(err) }, 'onInstalledChange failed'),
    );
  };
  manager.upgrades$.subscribe((r) => {
    if (r.result === 'succeeded') notifyInstalled();
  });
  const box = options.secretKey
    ? new SecretBox(options.secretKey)
    : await loadSecretBox(join(dataDir, 'secret.key'));
  resourceService = new ResourceService(store, resources, box, manager, options.placement);
  const runtime = new ManagementRuntime(
    lifecycle,
    resources,
    manager,
    resourceService,
    logger,
    options.updates,
    (d) => {
      const c = resolveConfinement(config.confinement ?? DEFAULT_KERNEL_CONFIG.confinement, d);
      return { ...c.limits, env: c.env, permissions: c.permissions };
    },
    options.extensionPoints ?? [],
    (id, version) => supervisor.status(id, version),
    options.catalog,
  );
  runtime.uploadDir = uploads;

  const scan = () =>
    scanSources({
      sources: options.sources ?? [],
      ...(options.sourceOptions ? { sourceOptions: options.sourceOptions } : {}),
      incoming: join(dataDir, 'incoming'),
      manager,
      ranks: config.categories,
      logger,
    });

  return {
    runtime,
    scan,
    async start() {
      // Before any driver loads: actions a crash cut short are finished or undone per their plan.
      const recovered = options.recoverAtStart === false ? [] : await manager.recover();
      await manager.restore(await resourceService.boundVersions());
      await resourceService.restore();
      // A recovered uninstall may have changed the installed set: the lock follows it.
      if (recovered.length > 0) notifyInstalled();
      await runtime.loadHistory();
      await gc();
      await scan();
    },
    async reconcile() {
      // Every member's bindings: a version a resource anywhere is bound to stays loaded here.
      const drivers = await manager.reconcile(await resourceService.boundVersions());
      const resources = await resourceService.reconcile();
      const moved = resources.rebound.length + resources.removed.length + resources.moved.length;
      const again =
        moved > 0 || drivers.held.length > 0
          ? await manager.reconcile(await resourceService.boundVersions())
          : undefined;
      if (drivers.started.length + drivers.unloaded.length + (again?.unloaded.length ?? 0) > 0)
        notifyInstalled();
      return { drivers, resources };
    },
    async stop() {
      stopping = true;
      supervisor.stop();
      for (const e of resources.list()) await e.compartment.close();
      await resourceService.close();
      await manager.shutdown();
      lifecycle.close();
      await rm(join(dataDir, 'scratch'), { recursive: true, force: true });
      await dirLock.release();
    },
  };
}
