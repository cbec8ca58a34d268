import type {
  DriverDescriptor,
  DriverIdentity,
  DriverMemoryView,
  ExecutorMetricsView,
  LifecycleEvent,
  ResourceInfo,
  UpdateNotice,
  UpgradeRecord,
  VersionSummary,
} from '@chassis/kernel';
import type { Observable } from 'rxjs';
import type { CatalogDriver } from './catalog.js';
import type { ClusterView } from './cluster.js';
import type {
  DeleteResourceOptions,
  ResourceFilter,
  ResourceTestOptions,
  ResourceTestResult,
  UpgradeOptions,
  UpgradePlan,
} from './operations.js';
import type { RollbackOptions } from './rollback.js';
import type { UpgradeStatus } from './upgrade-status.js';

// The summary shapes are defined once, in the kernel (schema-first); re-exported for callers.
export type {
  ConfinementLimits,
  DriverMemoryView,
  ExecutorMetricsView,
  RecordedMoves,
  ResourceInfo,
  RestartStatus,
  RolloutPolicy,
  SignatureInfo,
  UpdateNotice,
  UpgradeProgress,
  UpgradeRecord,
  UpgradeRecovery,
} from '@chassis/kernel';

/** Who asked for an action: recorded in the upgrade history and passed to authorization. */
export interface Principal {
  readonly id: string;
  readonly roles: readonly string[];
}

/**
 * One installed version of a driver: its summary (the one definition in the kernel's
 * `VersionSummarySchema`, which the admin API and the CLI show as is) plus what only the
 * runtime's callers see. Several versions of one driver can be loaded at once.
 */
export interface DriverVersionInfo extends VersionSummary {
  readonly id: string;
  readonly descriptor: DriverDescriptor;
  /** The CAR's message files (locale → key → text), for rendering labels. */
  readonly messages: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A driver (all its installed versions); identity fields from `DriverIdentitySchema`. */
export interface DriverInfo extends DriverIdentity {
  readonly versions: readonly DriverVersionInfo[];
}

/** Where to install a driver from. */
export type InstallSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'repository'; readonly id: string; readonly version?: string };

/** Options of {@link RuntimeApi.driverMemory}. */
export interface DriverMemoryOptions {
  /** How long each environment may take to answer (default 1000 ms); a late one is left out. */
  readonly timeoutMs?: number;
}

/**
 * What a running management server offers its administration surfaces (HTTP API, CLI, UI).
 * Every mutation takes the acting principal; errors are `ChassisError`s with stable codes.
 */
export interface RuntimeApi {
  /** Every lifecycle transition of every driver version. */
  readonly lifecycle$: Observable<LifecycleEvent>;
  /** Every change of an upgrade record (started, finished). */
  readonly upgrades$: Observable<UpgradeRecord>;
  /** New update notices after each repository refresh. */
  readonly updates$: Observable<readonly UpdateNotice[]>;
  /**
   * A private folder of this server's data directory for upload temp files, swept at every
   * start (so a `kill -9` leaves nothing behind); absent: the system temp dir.
   */
  readonly uploadDir?: string | undefined;
  /** Cluster mode: the members of the cluster; absent on a standalone server. */
  readonly cluster?: ClusterView | undefined;

  listDrivers(): DriverInfo[];
  /** `CHASSIS_E_UPGRADE_NOT_INSTALLED` when unknown. */
  getDriver(id: string): DriverInfo;
  lifecycleHistory(id: string): LifecycleEvent[];
  executorMetrics(): ExecutorMetricsView[];
  /**
   * Memory of every loaded version that runs in its own environment, read from all of them at
   * once; versions that are in-process, not ready or too slow to answer are left out. Never
   * rejects because of a driver.
   */
  driverMemory(options?: DriverMemoryOptions): Promise<DriverMemoryView[]>;

  listResources(filter?: ResourceFilter): ResourceInfo[];
  getResource(id: string): ResourceInfo;
  /** Creates a resource bound to the driver's active version, with a validated configuration. */
  createResource(
    input: {
      readonly id: string;
      readonly kind: string;
      readonly driverId: string;
      readonly name?: string;
      readonly properties: Readonly<Record<string, unknown>>;
    },
    principal: Principal,
  ): Promise<ResourceInfo>;
  /** Validates first (`CHASSIS_E_PROPS_INVALID` with every violation); an invalid change leaves the old one. */
  configure(
    resourceId: string,
    properties: Readonly<Record<string, unknown>>,
    principal: Principal,
  ): Promise<ResourceInfo>;

  /**
   * Deletes a resource: its compartment closes, its record (configuration and sealed secrets)
   * is removed. Refused with `CHASSIS_E_RESOURCE_BUSY` while operations run or wait, unless
   * `force`.
   */
  deleteResource(id: string, options: DeleteResourceOptions, principal: Principal): Promise<void>;
  /**
   * Moves one resource to an installed version of its driver (up or down) and holds it there:
   * later whole-driver upgrades skip it. `version` `null` releases the pin and moves nothing.
   */
  pinResource(id: string, version: string | null, principal: Principal): Promise<ResourceInfo>;
  /** Runs the driver's health check, or a read-only operation of the contract, on a resource. */
  testResource(
    id: string,
    options: ResourceTestOptions,
    principal: Principal,
  ): Promise<ResourceTestResult>;

  install(source: InstallSource, principal: Principal): Promise<UpgradeRecord>;
  /** What {@link RuntimeApi.upgrade} with the same options would do; changes nothing. */
  planUpgrade(driverId: string, options: UpgradeOptions): Promise<UpgradePlan>;
  upgrade(driverId: string, options: UpgradeOptions, principal: Principal): Promise<UpgradeRecord>;
  /**
   * Moves the driver's resources back to a kept version (`options.to`, default the previously
   * active one). The options come last so callers written before they existed still work.
   */
  rollback(
    driverId: string,
    principal: Principal,
    options?: RollbackOptions,
  ): Promise<UpgradeRecord>;
  uninstall(
    driverId: string,
    options: { readonly version?: string; readonly force?: boolean },
    principal: Principal,
  ): Promise<UpgradeRecord>;
  /** Restarts a Failed driver version (the active one unless given). */
  restart(
    driverId: string,
    options: { readonly version?: string },
    principal: Principal,
  ): Promise<void>;
  upgradeHistory(driverId?: string): UpgradeRecord[];
  /**
   * {@link RuntimeApi.upgrade}, answered once the action is accepted instead of when it ends:
   * its record (or, in a cluster, its durable request) is stored, so its id can be followed with
   * {@link RuntimeApi.upgradeStatus}. A refusal before that (not installed, same version, in
   * progress) rejects as the synchronous call does; what happens after is in the status.
   */
  submitUpgrade(
    driverId: string,
    options: UpgradeOptions,
    principal: Principal,
  ): Promise<UpgradeStatus>;
  /** {@link RuntimeApi.rollback} answered once accepted (see {@link RuntimeApi.submitUpgrade}). */
  submitRollback(
    driverId: string,
    principal: Principal,
    options?: RollbackOptions,
  ): Promise<UpgradeStatus>;
  /**
   * Where an accepted action (any id of the upgrade history, or a cluster rollout request) is
   * now. Unknown id: `CHASSIS_E_UPGRADE_NOT_FOUND`.
   */
  upgradeStatus(id: string): Promise<UpgradeStatus>;
  availableUpdates(): UpdateNotice[];
  /** Refreshes repository metadata now and returns the notices. */
  checkUpdates(): Promise<UpdateNotice[]>;
  /**
   * The configured repository's drivers (after a verified metadata refresh) whose id, name,
   * vendor, category or description contain every word of `query`; each with its versions,
   * signers and descriptions. No repository: `CHASSIS_E_REPO_NOT_FOUND`.
   */
  searchCatalog(query?: string): Promise<CatalogDriver[]>;
  /** One driver of the catalog with every version (`CHASSIS_E_REPO_DRIVER_NOT_FOUND`). */
  catalogDriver(id: string): Promise<CatalogDriver>;
}
