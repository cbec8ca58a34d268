import {
  ChassisError,
  type DriverHandle,
  driverKey,
  type ExtensionPoint,
  FacadeRouter,
  type LifecycleEvent,
  type LifecycleManager,
  type Logger,
  type ResourceRegistry,
  serializeError,
} from '@chassis/kernel';
import { BehaviorSubject, type Observable } from 'rxjs';
import type { CatalogDriver, CatalogSource } from '../api/catalog.js';
import type { ClusterView } from '../api/cluster.js';
import type {
  DeleteResourceOptions,
  ResourceFilter,
  ResourceTestOptions,
  ResourceTestResult,
  UpgradeOptions,
  UpgradePlan,
} from '../api/operations.js';
import type { RollbackOptions } from '../api/rollback.js';
import type {
  DriverInfo,
  DriverMemoryOptions,
  DriverMemoryView,
  ExecutorMetricsView,
  InstallSource,
  Principal,
  ResourceInfo,
  RuntimeApi,
  UpdateNotice,
  UpgradeRecord,
} from '../api/runtime-api.js';
import type { UpgradeStatus } from '../api/upgrade-status.js';
import type { DriverManager } from '../manager/driver-manager.js';
import type { DriverRecord } from '../manager/records.js';
import { AcceptedActions } from './accepted-actions.js';
import { readDriverMemory } from './driver-memory.js';
import { type DriverViewSources, driverInfo, executorMetricsOf } from './driver-views.js';
import type { ResourceService } from './resource-service.js';
import { testResource } from './resource-test.js';
import { RuntimeCatalog } from './runtime-catalog.js';
import { planUpgrade } from './upgrade-planner.js';

/** Optional update source (a verified repository) for {@link ManagementRuntime}. */
export interface UpdateChecker {
  check(
    installed: readonly { id: string; version: string; category: string }[],
  ): Promise<UpdateNotice[]>;
}

/**
 * A running management server's administration view: the {@link RuntimeApi} over the
 * lifecycle, the driver manager and the resources. Also owns the facade router that typed
 * facades (`StorageFacade`, ...) are built on.
 */
export class ManagementRuntime implements RuntimeApi {
  readonly lifecycle$: Observable<LifecycleEvent>;
  readonly upgrades$: Observable<UpgradeRecord>;
  readonly updates$: Observable<readonly UpdateNotice[]>;
  /** Routes facade calls through resource compartments to the bound driver instance. */
  readonly router: FacadeRouter;
  /** Where uploads are streamed: `<dataDir>/uploads`, swept at start (set by the server). */
  uploadDir: string | undefined;
  /** Cluster mode: set by the member composition (see `@chassis/cluster`). */
  cluster: ClusterView | undefined;
  readonly #updates = new BehaviorSubject<readonly UpdateNotice[]>([]);
  readonly #catalog: RuntimeCatalog;
  #history: UpgradeRecord[] = [];
  readonly #accepted: AcceptedActions;
  readonly #views: DriverViewSources;

  constructor(
    readonly lifecycle: LifecycleManager,
    readonly resources: ResourceRegistry<DriverHandle>,
    readonly manager: DriverManager,
    readonly resourceService: ResourceService,
    private readonly logger: Logger,
    private readonly updateChecker?: UpdateChecker,
    /** The limits a driver runs with, for the driver summary. */
    limitsOf?: DriverViewSources['limitsOf'],
    /** The host's extension points: their `safe` methods are what a resource test may run. */
    private readonly extensionPoints: readonly ExtensionPoint<unknown>[] = [],
    /** Automatic restarts of a version (the server's restart supervisor). */
    restartsOf?: DriverViewSources['restartsOf'],
    /** The configured repository's offers, behind `searchCatalog`/`catalogDriver`. */
    catalogSource?: CatalogSource,
  ) {
    this.#views = { lifecycle, resources, limitsOf, restartsOf };
    this.#accepted = new AcceptedActions(logger, (id) => manager.historyRecord(id));
    this.#catalog = new RuntimeCatalog(catalogSource, () => this.#installedVersions());
    this.lifecycle$ = lifecycle.lifecycle$;
    this.upgrades$ = manager.upgrades$;
    this.updates$ = this.#updates.asObservable();
    // Every resource, wherever it runs: local compartments and (cluster mode) those placed elsewhere.
    this.router = new FacadeRouter(resourceService.placed, resourceService);
    manager.upgrades$.subscribe((r) => {
      this.#history = [...this.#history.filter((h) => h.id !== r.id), r];
    });
  }

  /** Loads the persisted upgrade history (called once at start). */
  async loadHistory(): Promise<void> {
    this.#history = await this.manager.history();
  }

  listDrivers(): DriverInfo[] {
    return [...this.manager.drivers.keys()].sort().map((id) => this.getDriver(id));
  }

  getDriver(id: string): DriverInfo {
    const inst = this.manager.drivers.get(id);
    if (!inst)
      throw new ChassisError('CHASSIS_E_UPGRADE_NOT_INSTALLED', `Driver ${id} is not installed`, {
        details: { driver: id },
      });
    return driverInfo(inst, this.#views);
  }

  /**
   * The installed record of `driverId` as this server holds it now (active and previous
   * version, the versions kept), or `undefined` when it is not installed: what a caller that
   * plans an upgrade or rollback reads, without reaching into the driver manager.
   */
  driverRecord(driverId: string): DriverRecord | undefined {
    return this.manager.drivers.get(driverId)?.record;
  }

  /**
   * Whether this server set `version` of `driverId` aside by choice (retired: neither active
   * nor bound here, so it stays `Unloaded` until it becomes one of them), as opposed to a
   * version its trust check refused or that failed. False for anything not installed.
   */
  isRetired(driverId: string, version: string): boolean {
    return this.manager.drivers.get(driverId)?.retired?.has(version) ?? false;
  }

  lifecycleHistory(id: string): LifecycleEvent[] {
    return [...this.lifecycle.history(id)];
  }

  executorMetrics(): ExecutorMetricsView[] {
    return executorMetricsOf(this.manager.drivers.values());
  }

  driverMemory(options?: DriverMemoryOptions): Promise<DriverMemoryView[]> {
    return readDriverMemory(this.manager.drivers.values(), options);
  }

  listResources(filter: ResourceFilter = {}): ResourceInfo[] {
    return this.resourceService.placed
      .list()
      .filter(
        (e) =>
          (!filter.driverId || e.binding.driverId === filter.driverId) &&
          (!filter.version || e.binding.version === filter.version) &&
          (!filter.state || e.compartment.state === filter.state),
      )
      .sort((a, b) => a.resource.id.localeCompare(b.resource.id))
      .map((e) => this.resourceService.info(e.resource.id));
  }

  getResource(id: string): ResourceInfo {
    return this.resourceService.info(id);
  }

  createResource(
    input: Parameters<RuntimeApi['createResource']>[0],
    _principal: Principal,
  ): Promise<ResourceInfo> {
    return this.resourceService.create(input);
  }

  configure(
    resourceId: string,
    properties: Readonly<Record<string, unknown>>,
    _principal: Principal,
  ): Promise<ResourceInfo> {
    return this.resourceService.configure(resourceId, properties);
  }

  async deleteResource(
    id: string,
    options: DeleteResourceOptions,
    _principal: Principal,
  ): Promise<void> {
    const driverId = this.resourceService.placed.get(id).binding.driverId;
    // Under the driver's lock: a delete never races an upgrade moving the same resource.
    await this.manager.locked(driverId, () => this.resourceService.remove(id, options));
  }

  async pinResource(
    id: string,
    version: string | null,
    principal: Principal,
  ): Promise<ResourceInfo> {
    const { driverId, version: current } = this.resourceService.placed.get(id).binding;
    if (version !== null && version !== current)
      await this.manager.upgrade(driverId, { version, resources: [id] }, principal.id);
    await this.manager.locked(driverId, () => this.resourceService.setPinned(id, version !== null));
    return this.resourceService.info(id);
  }

  testResource(
    id: string,
    options: ResourceTestOptions,
    _principal: Principal,
  ): Promise<ResourceTestResult> {
    return testResource(
      this.resourceService.placed,
      this.manager,
      this.router,
      this.extensionPoints,
      id,
      options,
    );
  }

  install(source: InstallSource, principal: Principal): Promise<UpgradeRecord> {
    return this.manager.install(source, principal.id);
  }

  planUpgrade(driverId: string, options: UpgradeOptions): Promise<UpgradePlan> {
    return planUpgrade(this.manager, this.resources, this.resourceService, driverId, options);
  }

  upgrade(driverId: string, options: UpgradeOptions, principal: Principal): Promise<UpgradeRecord> {
    return this.manager.upgrade(driverId, { ...options }, principal.id);
  }

  rollback(
    driverId: string,
    principal: Principal,
    options: RollbackOptions = {},
  ): Promise<UpgradeRecord> {
    return this.manager.rollback(driverId, principal.id, options);
  }

  uninstall(
    driverId: string,
    options: { readonly version?: string; readonly force?: boolean },
    principal: Principal,
  ): Promise<UpgradeRecord> {
    return this.manager.uninstall(driverId, { ...options }, principal.id);
  }

  async restart(
    driverId: string,
    options: { readonly version?: string },
    _principal: Principal,
  ): Promise<void> {
    await this.manager.restart(driverId, options.version);
  }

  submitUpgrade(
    driverId: string,
    options: UpgradeOptions,
    principal: Principal,
  ): Promise<UpgradeStatus> {
    return this.#accepted.accept((onBegin) =>
      this.manager.upgrade(driverId, { ...options, onBegin }, principal.id),
    );
  }

  submitRollback(
    driverId: string,
    principal: Principal,
    options: RollbackOptions = {},
  ): Promise<UpgradeStatus> {
    return this.#accepted.accept((onBegin) =>
      this.manager.rollback(driverId, principal.id, { ...options, onBegin }),
    );
  }

  upgradeStatus(id: string): Promise<UpgradeStatus> {
    return this.#accepted.status(id);
  }

  upgradeHistory(driverId?: string): UpgradeRecord[] {
    return driverId ? this.#history.filter((r) => r.driverId === driverId) : [...this.#history];
  }

  availableUpdates(): UpdateNotice[] {
    return [...this.#updates.value];
  }

  async checkUpdates(): Promise<UpdateNotice[]> {
    if (!this.updateChecker) return [];
    const installed = [...this.manager.drivers.values()].flatMap((i) => {
      const v = i.record.active ? i.loaded.get(i.record.active) : undefined;
      return v
        ? [{ id: i.record.id, version: v.descriptor.version, category: v.descriptor.category }]
        : [];
    });
    try {
      const notices = await this.updateChecker.check(installed);
      this.#updates.next(notices);
      return notices;
    } catch (err) {
      this.logger.warn({ err: serializeError(err) }, 'update check failed');
      throw err;
    }
  }

  searchCatalog(query?: string): Promise<CatalogDriver[]> {
    return this.#catalog.search(query);
  }

  catalogDriver(id: string): Promise<CatalogDriver> {
    return this.#catalog.driver(id);
  }

  #installedVersions(): Map<string, string[]> {
    return new Map(
      [...this.manager.drivers.values()].map((i) => [
        i.record.id,
        i.record.versions.map((v) => v.version),
      ]),
    );
  }

  /** Every installed version's key, for diagnostics. */
  installedKeys(): string[] {
    return [...this.manager.drivers.values()].flatMap((i) =>
      i.record.versions.map((v) => driverKey({ id: i.record.id, version: v.version })),
    );
  }
}
