import type { DriverState } from '@chassis/kernel';
import {
  AcceptedActions,
  type RestartStatus,
  type RuntimeApi,
  type UpgradeRecord,
} from '@chassis/runtime';
import { catalogDriver, searchCatalog } from './fake-catalog.js';
import { emit } from './fake-lifecycle.js';
import { deleteResource, pinResource, planUpgrade, testResource } from './fake-operations.js';
import { configure, createResource, getResource, listResources } from './fake-resources.js';
import { seedFakeState } from './fake-seed.js';
import {
  createFakeState,
  driverOf,
  type FakeFailable,
  throwIfFailing,
  versionOf,
} from './fake-state.js';
import { observerCount } from './fake-streams.js';
import { install, restart, rollback, uninstall, upgrade } from './fake-upgrades.js';
import { driverInfo, driverMemory, executorMetrics, notices } from './fake-views.js';

export type { FakeFailable } from './fake-state.js';

/** A failure after acceptance is in the record; the fake has no log to tell. */
const quiet = { warn: () => undefined };

/** Options of {@link createFakeRuntime}. */
export interface FakeRuntimeOptions {
  /** Pause between two lifecycle steps of an install/upgrade, so UIs can see them (default 0). */
  readonly stepDelayMs?: number;
  /** Start empty instead of with the sample drivers and resources. */
  readonly empty?: boolean;
}

/** An in-memory {@link RuntimeApi} with test controls; plausible, not a real runtime. */
export interface FakeRuntime extends RuntimeApi {
  /** The next call of `method` throws `error` (an upgrade also records a failed upgrade). */
  failNext(method: FakeFailable, error: unknown): void;
  /** Records one executor call of the active version of `driverId`. */
  recordCall(driverId: string, latencyMs: number, ok?: boolean): void;
  /** Forces a lifecycle state (emits the transition without checking it). */
  setState(driverId: string, version: string, state: DriverState, cause?: unknown): void;
  /** Sets (or with `undefined` clears) the automatic restarts a version reports. */
  setRestarts(driverId: string, version: string, restarts: RestartStatus | undefined): void;
  /** Adds a finished record to the history (e.g. one start-up recovery closed) and announces it. */
  pushRecord(record: UpgradeRecord): void;
  /** How many subscribers `lifecycle$`, `upgrades$` and `updates$` have together. */
  observerCount(): number;
}

/**
 * Creates the in-memory {@link RuntimeApi} the admin tests, the CLI tests and demos use: three
 * sample drivers (SolidFire-like storage with an update available, NVP-like network, a Failed
 * KVM-like hypervisor), resources bound to them, configure validated by the kernel's property
 * rules, and installs/upgrades/rollbacks that emit the lifecycle events a real runtime emits.
 */
export function createFakeRuntime(options: FakeRuntimeOptions = {}): FakeRuntime {
  const s = createFakeState(options.stepDelayMs ?? 0);
  seedFakeState(s, Boolean(options.empty));
  const accepted = new AcceptedActions(quiet, async (id) => s.upgrades.find((u) => u.id === id));

  const api: FakeRuntime = {
    lifecycle$: s.lifecycle$.asObservable(),
    upgrades$: s.upgrades$.asObservable(),
    updates$: s.updates$.asObservable(),

    listDrivers() {
      return [...s.drivers.values()]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((d) => driverInfo(s, d));
    },
    getDriver: (id) => driverInfo(s, driverOf(s, id)),
    lifecycleHistory(id) {
      driverOf(s, id);
      return [...(s.history.get(id) ?? [])];
    },
    executorMetrics: () => executorMetrics(s),
    driverMemory: async () => driverMemory(s),

    listResources: (filter) => listResources(s, filter),
    getResource: (id) => getResource(s, id),
    createResource: (input) => createResource(s, input),
    configure: (resourceId, properties) => configure(s, resourceId, properties),
    deleteResource: (id) => deleteResource(s, id),
    pinResource: (id, version) => pinResource(s, id, version),
    testResource: (id, opts) => testResource(s, id, opts),
    planUpgrade: (driverId, opts) => planUpgrade(s, driverId, opts),

    install: (source, principal) => install(s, source, principal),
    upgrade: (driverId, opts, principal) => upgrade(s, driverId, opts, principal),
    rollback: (driverId, principal, opts) => rollback(s, driverId, principal, opts),
    uninstall: (driverId, opts, principal) => uninstall(s, driverId, opts, principal),
    restart: (driverId, opts) => restart(s, driverId, opts),
    upgradeHistory(driverId) {
      return s.upgrades.filter((u) => !driverId || u.driverId === driverId);
    },
    // The runtime's own acceptance rule: answered once the record is stored.
    submitUpgrade: (driverId, opts, principal) =>
      accepted.accept((begun) => upgrade(s, driverId, opts, principal, begun)),
    submitRollback: (driverId, principal, opts) =>
      accepted.accept((begun) => rollback(s, driverId, principal, opts, begun)),
    upgradeStatus: (id) => accepted.status(id),
    availableUpdates: () => notices(s),
    async checkUpdates() {
      throwIfFailing(s, 'checkUpdates');
      const list = notices(s);
      s.updates$.next(list);
      return list;
    },

    searchCatalog: (query) => searchCatalog(s, query),
    catalogDriver: (id) => catalogDriver(s, id),

    failNext(method, error) {
      s.failures.set(method, error);
    },
    recordCall(driverId, latencyMs, ok = true) {
      const d = driverOf(s, driverId);
      const v = versionOf(d, d.active ?? '');
      v.calls++;
      if (!ok) v.errors++;
      v.latencies.push(latencyMs);
    },
    setState(driverId, version, state, cause) {
      emit(s, driverId, version, versionOf(driverOf(s, driverId), version), state, cause);
    },
    setRestarts(driverId, version, restarts) {
      const v = versionOf(driverOf(s, driverId), version);
      if (restarts) v.restarts = restarts;
      else delete v.restarts;
    },
    pushRecord(record) {
      s.upgrades.push(record);
      s.upgrades$.next(record);
    },
    observerCount: () => observerCount(s),
  };
  return api;
}
