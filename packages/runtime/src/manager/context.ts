import type {
  DriverHandle,
  LifecycleManager,
  Logger,
  ResourceRegistry,
  StateStore,
} from '@chassis/kernel';
import type { DriverRecord, UpgradeHistory } from './records.js';
import type {
  CarAcquirer,
  CarFetcher,
  CarKeeper,
  LoadedVersion,
  MoveCheck,
  ResourceBindings,
  TrustVerifier,
  VersionLoader,
} from './types.js';

/** A driver id with its persisted record and the versions loaded right now. */
export interface InstalledDriver {
  record: DriverRecord;
  readonly loaded: Map<string, LoadedVersion>;
  /**
   * Installed versions this server let go: unloaded when the active version moved away from
   * them (a commit, a failed move), or not loaded at boot. Following a shared store (cluster
   * mode) does not load them again unless they become active or bound (see `reconcileDrivers`).
   */
  retired?: Set<string>;
}

/** Everything the manager's procedures share. Internal to the runtime. */
export interface ManagerContext {
  readonly lifecycle: LifecycleManager;
  readonly resources: ResourceRegistry<DriverHandle>;
  readonly store: StateStore;
  readonly history: UpgradeHistory;
  readonly loader: VersionLoader;
  readonly verify: TrustVerifier;
  readonly keep: CarKeeper;
  /** Local path of an installed version's kept CAR (fetched from a shared store in a cluster). */
  readonly fetchCar: CarFetcher;
  readonly acquire?: CarAcquirer;
  readonly checkMove?: MoveCheck;
  /** The one writer of resource bindings. */
  readonly bindings: ResourceBindings;
  readonly logger: Logger;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly healthTimeoutMs: number;
  /** Deadline of one resource's `migrate` during an upgrade or rollback. */
  readonly migrateTimeoutMs: number;
  readonly ranks?: Readonly<Record<string, number>>;
  readonly drivers: Map<string, InstalledDriver>;
  /** Test hook: awaited at each persisted step of an action (see {@link Checkpoint}). */
  readonly checkpoint?: Checkpoint;
}

/**
 * Called at each persisted step of an upgrade, rollback or uninstall, with the step's name and
 * the resources it concerns. Tests use it to stop an action exactly there (a crash simulation:
 * a promise that never settles) and start a new runtime on the same state.
 */
export type Checkpoint = (
  step: 'planned' | 'moved' | 'rebound' | 'progressed' | 'committed',
  detail: { readonly driverId: string; readonly resources: readonly string[] },
) => void | Promise<void>;
