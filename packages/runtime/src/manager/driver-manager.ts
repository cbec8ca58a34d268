import {
  ChassisError,
  type DriverHandle,
  type LifecycleManager,
  type Logger,
  type ResourceRegistry,
  type StateStore,
  silentLogger,
} from '@chassis/kernel';
import { type Observable, Subject } from 'rxjs';
import type { RollbackOptions } from '../api/rollback.js';
import type { InstallSource, RolloutPolicy, UpgradeRecord } from '../api/runtime-api.js';
import type { OnUpgradeBegin } from '../api/upgrade-status.js';
import { storedBindings } from '../state/resource-records.js';
import { restoreDrivers, shutdownDrivers } from './boot.js';
import type { Checkpoint, InstalledDriver, ManagerContext } from './context.js';
import { DriverLocks } from './driver-locks.js';
import { runInstall } from './install.js';
import { type DriverReconcileResult, reconcileDrivers } from './reconcile.js';
import { UpgradeHistory } from './records.js';
import { recoverInterrupted } from './recovery.js';
import { restartVersion } from './restart.js';
import { rollbackTarget } from './rollback-target.js';
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
import { runUninstall } from './uninstall.js';
import { newestInstalled, runUpgrade } from './upgrade.js';

/** What the manager needs; composed by the runtime from kernel, loader and repository. */
export interface DriverManagerOptions {
  readonly lifecycle: LifecycleManager;
  readonly resources: ResourceRegistry<DriverHandle>;
  readonly store: StateStore;
  readonly loader: VersionLoader;
  /** Trust check before anything is loaded; default: accept (manifest digests are still checked by the loader). */
  readonly verify?: TrustVerifier;
  /** Copies an installed CAR to stable storage; default: use the path as given. */
  readonly keep?: CarKeeper;
  /** Finds the local file of an installed version's kept CAR; default: its recorded path. */
  readonly fetchCar?: CarFetcher;
  /** Fetches a CAR from the configured repository. */
  readonly acquire?: CarAcquirer;
  /** Checks resource configurations against a version before resources move to it. */
  readonly checkMove?: MoveCheck;
  /** Persists binding changes; default: rewrites the `resources/<id>` records in `store`. */
  readonly bindings?: ResourceBindings;
  /** Called after an install failed or was refused for any reason (e.g. to drop its extracted CAR). */
  readonly onInstallRefused?: () => void;
  readonly logger?: Logger;
  readonly startTimeoutMs?: number;
  readonly stopTimeoutMs?: number;
  readonly healthTimeoutMs?: number;
  /** Deadline of one resource's `migrate` (default 30 s); a miss rolls the upgrade back. */
  readonly migrateTimeoutMs?: number;
  readonly ranks?: Readonly<Record<string, number>>;
  readonly now?: () => Date;
  /** Test hook awaited at each persisted step of an action (crash simulations). */
  readonly checkpoint?: Checkpoint;
}

/**
 * Installs, upgrades, rolls back and uninstalls drivers in a running server, one operation
 * per driver at a time, persisting every outcome in the {@link StateStore}. Several versions of
 * one driver can be loaded at once; each resource is bound to exactly one.
 */
export class DriverManager {
  readonly #ctx: ManagerContext;
  readonly #locks = new DriverLocks();
  readonly #onInstallRefused: (() => void) | undefined;
  readonly #upgrades$ = new Subject<UpgradeRecord>();
  /** Every finished install/upgrade/rollback/uninstall record. */
  readonly upgrades$: Observable<UpgradeRecord> = this.#upgrades$.asObservable();

  constructor(options: DriverManagerOptions) {
    this.#onInstallRefused = options.onInstallRefused;
    this.#ctx = {
      lifecycle: options.lifecycle,
      resources: options.resources,
      store: options.store,
      history: new UpgradeHistory(options.store, options.now),
      loader: options.loader,
      verify: options.verify ?? (async () => ({ signed: false })),
      keep: options.keep ?? (async (car) => car.file),
      fetchCar: options.fetchCar ?? (async (v) => v.car),
      ...(options.acquire ? { acquire: options.acquire } : {}),
      ...(options.checkMove ? { checkMove: options.checkMove } : {}),
      bindings: options.bindings ?? storedBindings(options.store),
      logger: options.logger ?? silentLogger,
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
      healthTimeoutMs: options.healthTimeoutMs ?? 5_000,
      migrateTimeoutMs: options.migrateTimeoutMs ?? 30_000,
      ...(options.ranks ? { ranks: options.ranks } : {}),
      drivers: new Map(),
      ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
    };
  }

  /** Installed drivers (records and loaded versions). Read-only view. */
  get drivers(): ReadonlyMap<string, Readonly<InstalledDriver>> {
    return this.#ctx.drivers;
  }

  /** The loaded version serving new resources of a driver. */
  active(id: string): LoadedVersion {
    const inst = this.#get(id);
    const v = inst.record.active ? inst.loaded.get(inst.record.active) : undefined;
    if (!v) {
      throw new ChassisError(
        'CHASSIS_E_FACADE_NO_DRIVER',
        `Driver ${id} has no loaded active version; restart it or install one`,
        {
          details: { driver: id },
        },
      );
    }
    return v;
  }

  /** One record of the upgrade history, as stored now (`undefined`: no such id). */
  historyRecord(id: string): Promise<UpgradeRecord | undefined> {
    return this.#ctx.history.get(id);
  }

  /** Upgrade history, oldest first. */
  history(driverId?: string): Promise<UpgradeRecord[]> {
    return this.#ctx.history.list(driverId);
  }

  /**
   * Start-up recovery, before {@link restore}: closes every action the previous server died in
   * (history records still `running`) per its recorded plan, as `interrupted`, and announces
   * each on {@link upgrades$}.
   */
  async recover(): Promise<UpgradeRecord[]> {
    const closed = await recoverInterrupted(this.#ctx);
    for (const r of closed) this.#finish(r);
    return closed;
  }

  /**
   * Boot: loads the active version of every persisted driver (and any other version that
   * still has resources bound), then starts them in category/dependency order.
   */
  async restore(
    boundVersions: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  ): Promise<void> {
    await restoreDrivers(this.#ctx, boundVersions);
  }

  /**
   * Cluster mode: converges this server to the `drivers/` records other servers wrote in the
   * shared store (loads and starts versions installed elsewhere or bound, unloads removed and
   * retired ones, follows the active version). `boundVersions`: the versions every persisted
   * resource record is bound to, per driver (as for {@link restore}). See
   * {@link reconcileDrivers}; safe to call at any time and repeatedly.
   */
  reconcile(
    boundVersions: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  ): Promise<DriverReconcileResult> {
    return reconcileDrivers(this.#ctx, this.#locks, boundVersions);
  }

  /** Installs a driver version (new driver → active; another version of a known one → loaded beside it). */
  install(source: InstallSource, principal: string): Promise<UpgradeRecord> {
    return this.#install(source, principal);
  }

  async #install(source: InstallSource, principal: string): Promise<UpgradeRecord> {
    const file =
      source.kind === 'file' ? source.path : await this.#acquire(source.id, source.version);
    try {
      return await runInstall(this.#ctx, this.#locks, file, principal, (r) => this.#finish(r));
    } catch (err) {
      this.#onInstallRefused?.();
      throw err;
    }
  }

  /**
   * Moves a driver's resources to another version per `policy` (default one at a time).
   * `version` absent: the newest installed version, else the repository's newest. With
   * `resources`, only those move (from the one version they share) and the active version stays.
   */
  async upgrade(
    id: string,
    options: {
      version?: string;
      policy?: RolloutPolicy;
      resources?: readonly string[];
      onBegin?: OnUpgradeBegin;
    },
    principal: string,
  ): Promise<UpgradeRecord> {
    let to = options.version ?? newestInstalled(this.#get(id).record);
    if (!to || !this.#get(id).record.versions.some((v) => v.version === to)) {
      if (!this.#ctx.acquire) {
        throw new ChassisError(
          'CHASSIS_E_UPGRADE_NOT_INSTALLED',
          `No newer version of ${id} is installed and no repository is configured; install one first`,
          {
            details: { driver: id, version: to },
          },
        );
      }
      const file = await this.#acquire(id, to);
      const rec = await this.#install({ kind: 'file', path: file }, principal);
      to = rec.to;
    }
    const version = to!;
    return this.#exclusive(id, () =>
      this.#track(
        runUpgrade(this.#ctx, this.#get(id), {
          action: 'upgrade',
          to: version,
          ...(options.policy ? { policy: options.policy } : {}),
          ...(options.resources ? { resources: options.resources } : {}),
          ...(options.onBegin ? { onBegin: options.onBegin } : {}),
          principal,
        }),
      ),
    );
  }

  /**
   * Moves every resource (pinned ones excepted) back to a kept version, all at once: `to`, or
   * the previously active version when absent. See {@link rollbackTarget} for the refusals.
   */
  rollback(
    id: string,
    principal: string,
    options: RollbackOptions & { readonly onBegin?: OnUpgradeBegin } = {},
  ): Promise<UpgradeRecord> {
    return this.#exclusive(id, () => {
      const inst = this.#get(id);
      return this.#track(
        runUpgrade(this.#ctx, inst, {
          action: 'rollback',
          to: rollbackTarget(inst.record, options.to),
          policy: { kind: 'all-at-once' },
          ...(options.onBegin ? { onBegin: options.onBegin } : {}),
          principal,
        }),
      );
    });
  }

  /**
   * Uninstalls one version (or, without `version`, every version) of a driver. Refuses while
   * resources are bound (`CHASSIS_E_UNINSTALL_BOUND`), unless `force` and another loaded
   * version can take them over.
   */
  uninstall(
    id: string,
    options: { version?: string; force?: boolean },
    principal: string,
  ): Promise<UpgradeRecord> {
    return this.#exclusive(id, () =>
      runUninstall(this.#ctx, this.#get(id), options, principal, (r) => this.#finish(r)),
    );
  }

  /** Restarts a Failed (or stopped) version: a fresh environment from its kept CAR, resources rebound. */
  restart(id: string, version?: string): Promise<void> {
    return this.#exclusive(id, async () => {
      await restartVersion(this.#ctx, this.#get(id), version ?? this.#get(id).record.active ?? '');
    });
  }

  /**
   * Runs `fn` under the driver's lock (`CHASSIS_E_UPGRADE_IN_PROGRESS` while an install,
   * upgrade or uninstall of it runs): resource deletes and pins never race a move.
   */
  locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.#exclusive(id, fn);
  }

  /** Stops every loaded version in the exact reverse of the start order and disposes them. */
  async shutdown(): Promise<void> {
    await shutdownDrivers(this.#ctx);
  }

  #get(id: string): InstalledDriver {
    const inst = this.#ctx.drivers.get(id);
    if (!inst)
      throw new ChassisError('CHASSIS_E_UPGRADE_NOT_INSTALLED', `Driver ${id} is not installed`, {
        details: { driver: id },
      });
    return inst;
  }

  async #acquire(id: string, version?: string): Promise<string> {
    if (!this.#ctx.acquire) {
      throw new ChassisError(
        'CHASSIS_E_REPO_NOT_FOUND',
        `No repository is configured to fetch ${id}${version ? `@${version}` : ''}; install from a CAR file instead`,
        {
          details: { driver: id, version },
        },
      );
    }
    return this.#ctx.acquire(id, version);
  }

  async #track(p: Promise<UpgradeRecord>): Promise<UpgradeRecord> {
    try {
      return this.#finish(await p);
    } catch (err) {
      const record = (err as { record?: UpgradeRecord }).record;
      if (record) this.#upgrades$.next(record);
      throw err;
    }
  }

  #finish(record: UpgradeRecord): UpgradeRecord {
    this.#upgrades$.next(record);
    return record;
  }

  /** One install/upgrade/rollback/uninstall per driver at a time (`CHASSIS_E_UPGRADE_IN_PROGRESS`). */
  #exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.#locks.run(id, fn);
  }
}
