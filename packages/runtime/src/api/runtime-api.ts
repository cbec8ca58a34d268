import type {
  CompartmentState,
  DriverDescriptor,
  DriverState,
  IsolationTier,
  LifecycleEvent,
  Resource,
  ResourceBinding,
  SerializedError,
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

/** Who asked for an action: recorded in the upgrade history and passed to authorization. */
export interface Principal {
  readonly id: string;
  readonly roles: readonly string[];
}

/** Signature facts of an installed CAR (from the repository's trust verification). */
export interface SignatureInfo {
  readonly signed: boolean;
  readonly vendor?: string;
  readonly subject?: string;
  readonly serial?: string;
  readonly notAfter?: string;
}

/** One installed version of a driver. Several versions of one driver can be loaded at once. */
export interface DriverVersionInfo {
  readonly id: string;
  readonly version: string;
  /** Hex SHA-256 of the CAR file. */
  readonly sha256: string;
  readonly descriptor: DriverDescriptor;
  readonly state: DriverState;
  readonly tier: IsolationTier;
  /** The version new resources bind to, and the target of rollback/upgrade. */
  readonly active: boolean;
  /** Ids of the resources bound to this version right now. */
  readonly resources: readonly string[];
  readonly signature: SignatureInfo;
  readonly installedAt: string;
  /** The CAR's message files (locale → key → text), for rendering labels. */
  readonly messages: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The cause when `state` is `Failed`. */
  readonly failure?: SerializedError;
  /**
   * What its environment runs with (kernel config `confinement`): heap cap, message size cap,
   * the host environment variables it receives and the permissions granted to it.
   */
  readonly limits?: {
    readonly heapMb: number;
    readonly maxMessageBytes: number;
    readonly env: readonly string[];
    readonly permissions: {
      readonly childProcess: boolean;
      readonly worker: boolean;
      readonly addons: boolean;
      readonly read: readonly string[];
    };
  };
  /** Automatic restarts after faults (kernel config `restartLimits`); absent: never faulted. */
  readonly restarts?: RestartStatus;
}

/** Automatic restarts of one driver version after its environment faulted. */
export interface RestartStatus {
  /** Restarts tried in a row; reset to 0 once the version stayed healthy `healthyAfterMs`. */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** The last fault (or failed restart). */
  readonly lastError?: SerializedError;
  readonly lastFaultAt?: string;
  /** When the next restart is due (absent when none is scheduled). */
  readonly nextRetryAt?: string;
  /**
   * True once `maxAttempts` restarts did not help: the version stays `Failed` (its lifecycle
   * cause is the last fault) until an operator restarts it.
   */
  readonly gaveUp: boolean;
}

/** A driver (all its installed versions). */
export interface DriverInfo {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly category: string;
  readonly activeVersion?: string;
  readonly versions: readonly DriverVersionInfo[];
}

/** A resource, its binding and its (masked) configuration. */
export interface ResourceInfo {
  readonly resource: Resource;
  readonly binding: ResourceBinding;
  /** Property bag with secret values masked. Never contains a secret in clear. */
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly state: CompartmentState;
  readonly queued: number;
  /** Held on its version: whole-driver upgrades leave it where it is. */
  readonly pinned?: boolean;
}

/** How an upgrade moves resources from the old version to the new one. */
export type RolloutPolicy =
  | { readonly kind: 'all-at-once' }
  | { readonly kind: 'one-at-a-time' }
  /** First `canaries` resources, then the new version's health check, then the rest. */
  | { readonly kind: 'canary'; readonly canaries: number };

/** Where to install a driver from. */
export type InstallSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'repository'; readonly id: string; readonly version?: string };

/** One install/upgrade/rollback/uninstall, as kept in the upgrade history. */
export interface UpgradeRecord {
  readonly id: string;
  readonly action: 'install' | 'upgrade' | 'rollback' | 'uninstall';
  readonly driverId: string;
  readonly from?: string;
  readonly to?: string;
  readonly policy?: RolloutPolicy;
  readonly principal: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** `interrupted`: the server died while it ran; reconciled at the next start (see `recovery`). */
  readonly result: 'running' | 'succeeded' | 'rolled-back' | 'failed' | 'interrupted';
  readonly error?: SerializedError;
  /**
   * The moves an upgrade, rollback or forced uninstall will make, in order, recorded with the
   * record before the first one: what start-up recovery applies if the server dies midway.
   */
  readonly plan?: RecordedMoves;
  /** Persisted after each batch moved, before the next one starts (and before the result). */
  readonly progress?: UpgradeProgress;
  /** How start-up recovery closed this record when the server died while it ran. */
  readonly recovery?: UpgradeRecovery;
  /** Per resource: which version it moved from and to, and when it resumed. */
  readonly resources: readonly {
    readonly id: string;
    readonly from: string;
    readonly to: string;
    readonly pausedMs?: number;
  }[];
}

/** The moves of one action, in order (see {@link UpgradeRecord.plan}). */
export interface RecordedMoves {
  readonly moves: readonly { readonly id: string; readonly from: string; readonly to: string }[];
  /**
   * A partial move (`upgrade --resources a,b`): it never changes the driver's active version,
   * so recovery only rebinds the listed resources.
   */
  readonly partial?: boolean;
}

/** Which moves of the plan are persisted as done, and what the action was doing last. */
export interface UpgradeProgress {
  /** Resource ids whose move is persisted (binding written), in the order they moved. */
  readonly moved: readonly string[];
  /**
   * `moving`: batches in progress; `rolling-back`: a failure is moving resources back;
   * `committing`: every move is done and the new version is being made active.
   */
  readonly phase: 'moving' | 'rolling-back' | 'committing';
}

/** What start-up recovery did with an interrupted action. */
export interface UpgradeRecovery {
  /** `rolled-back`: back to the state before the action; `completed`: finished per the plan. */
  readonly outcome: 'rolled-back' | 'completed';
  /** Resources whose persisted binding recovery changed, with the version each now uses. */
  readonly resources: readonly { readonly id: string; readonly version: string }[];
  /** The active version of the driver after recovery (absent: the driver is gone). */
  readonly active?: string;
  readonly at: string;
}

/** A newer compatible version available in the configured repository. */
export interface UpdateNotice {
  readonly id: string;
  readonly installed: string;
  readonly available: string;
  readonly category: string;
}

/** Per-driver executor numbers (calls, errors, latency, queue), as plain data. */
export interface ExecutorMetricsView {
  readonly driverId: string;
  readonly version: string;
  readonly calls: number;
  readonly errors: number;
  readonly inFlight: number;
  readonly queued: number;
  /** Latency histogram: upper bounds in ms → cumulative counts. */
  readonly latencyBuckets: readonly { readonly le: number; readonly count: number }[];
  readonly latencySumMs: number;
}

/**
 * Memory of one driver version's isolated environment (worker thread or child process), as the
 * environment measured it. `rssBytes` only for the `process` tier: a worker shares the host's
 * resident set. In-process versions have no memory of their own and are never listed.
 */
export interface DriverMemoryView {
  readonly driverId: string;
  readonly version: string;
  readonly tier: Exclude<IsolationTier, 'in-process'>;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** Buffers, ArrayBuffers and other memory held outside the V8 heap. */
  readonly externalBytes: number;
  readonly rssBytes?: number;
}

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
