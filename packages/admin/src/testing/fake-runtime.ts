import { readCar } from '@chassis/car';
import {
  applyConfigChange,
  ChassisError,
  type CompartmentState,
  canTransition,
  type DriverDescriptor,
  type DriverState,
  type ErrorCode,
  type IsolationTier,
  type LifecycleEvent,
  type MessageCatalog,
  maskSecrets,
  type PropertyBag,
  type Resource,
  type ResourceBinding,
  type SerializedError,
  serializeError,
} from '@chassis/kernel';
import type {
  DriverInfo,
  DriverVersionInfo,
  ExecutorMetricsView,
  InstallSource,
  Principal,
  ResourceInfo,
  RolloutPolicy,
  RuntimeApi,
  SignatureInfo,
  UpdateNotice,
  UpgradeRecord,
} from '@chassis/runtime';
import { Subject } from 'rxjs';
import { FAKE_SEED, type FakeCatalogEntry, fakeCatalog } from './fake-data.js';
import { compareVersions } from './versions.js';

interface FakeVersion {
  descriptor: DriverDescriptor;
  messages: MessageCatalog;
  sha256: string;
  state: DriverState;
  installedAt: string;
  signature: SignatureInfo;
  failure?: SerializedError;
  calls: number;
  errors: number;
  latencies: number[];
}

interface FakeDriver {
  id: string;
  versions: Map<string, FakeVersion>;
  active?: string;
  /** Versions that were active before, most recent last (rollback targets). */
  previous: string[];
}

interface FakeResource {
  resource: Resource;
  binding: ResourceBinding;
  config: PropertyBag;
  state: CompartmentState;
}

/** Options of {@link createFakeRuntime}. */
export interface FakeRuntimeOptions {
  /** Pause between two lifecycle steps of an install/upgrade, so UIs can see them (default 0). */
  readonly stepDelayMs?: number;
  /** Start empty instead of with the sample drivers and resources. */
  readonly empty?: boolean;
}

/** Methods whose next call can be made to fail with {@link FakeRuntime.failNext}. */
export type FakeFailable =
  | 'install'
  | 'upgrade'
  | 'rollback'
  | 'uninstall'
  | 'restart'
  | 'configure'
  | 'createResource'
  | 'checkUpdates'
  | 'listDrivers';

/** An in-memory {@link RuntimeApi} with test controls; plausible, not a real runtime. */
export interface FakeRuntime extends RuntimeApi {
  /** The next call of `method` throws `error` (an upgrade also records a failed upgrade). */
  failNext(method: FakeFailable, error: unknown): void;
  /** Offers a new version in the fake repository (seen by `checkUpdates`/`upgrade`). */
  publish(entry: FakeCatalogEntry): void;
  /** Records one executor call of the active version of `driverId`. */
  recordCall(driverId: string, latencyMs: number, ok?: boolean): void;
  /** Forces a lifecycle state (emits the transition without checking it). */
  setState(driverId: string, version: string, state: DriverState, cause?: unknown): void;
  /** How many subscribers `lifecycle$`, `upgrades$` and `updates$` have together. */
  observerCount(): number;
}

const BUCKETS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500];

function fail(code: ErrorCode, message: string, details: Record<string, unknown> = {}): never {
  throw new ChassisError(code, message, { details });
}

function isoNow(): string {
  return new Date().toISOString();
}

/**
 * Creates the in-memory {@link RuntimeApi} the admin tests, the CLI tests and demos use: three
 * sample drivers (SolidFire-like storage with an update available, NVP-like network, a Failed
 * KVM-like hypervisor), resources bound to them, configure validated by the kernel's property
 * rules, and installs/upgrades/rollbacks that emit the lifecycle events a real runtime emits.
 */
export function createFakeRuntime(options: FakeRuntimeOptions = {}): FakeRuntime {
  const lifecycle$ = new Subject<LifecycleEvent>();
  const upgrades$ = new Subject<UpgradeRecord>();
  const updates$ = new Subject<readonly UpdateNotice[]>();
  const catalog = new Map<string, FakeCatalogEntry>();
  const drivers = new Map<string, FakeDriver>();
  const resources = new Map<string, FakeResource>();
  const history = new Map<string, LifecycleEvent[]>();
  const upgrades: UpgradeRecord[] = [];
  const failures = new Map<FakeFailable, unknown>();
  const busy = new Set<string>();
  const stepDelayMs = options.stepDelayMs ?? 0;
  let nextRecord = 1;

  const pause = (): Promise<void> =>
    new Promise((resolve) =>
      stepDelayMs > 0 ? setTimeout(resolve, stepDelayMs) : setImmediate(resolve),
    );

  function takeFailure(method: FakeFailable): unknown {
    const err = failures.get(method);
    failures.delete(method);
    return err;
  }

  function driverOf(id: string): FakeDriver {
    const d = drivers.get(id);
    if (!d)
      fail('CHASSIS_E_UPGRADE_NOT_INSTALLED', `Driver ${id} is not installed.`, { driver: id });
    return d;
  }

  function versionOf(d: FakeDriver, version: string): FakeVersion {
    const v = d.versions.get(version);
    if (!v) {
      fail('CHASSIS_E_UPGRADE_NOT_INSTALLED', `Driver ${d.id}@${version} is not installed.`, {
        driver: d.id,
        version,
      });
    }
    return v;
  }

  function emit(id: string, version: string, v: FakeVersion, to: DriverState, cause?: unknown) {
    const event: LifecycleEvent = {
      driver: id,
      version,
      from: v.state,
      to,
      at: isoNow(),
      ...(cause === undefined ? {} : { cause: serializeError(cause) }),
    };
    v.state = to;
    if (to === 'Failed') v.failure = event.cause;
    else delete v.failure;
    const list = history.get(id) ?? [];
    list.push(event);
    if (list.length > 200) list.shift();
    history.set(id, list);
    lifecycle$.next(event);
  }

  async function move(id: string, version: string, path: readonly DriverState[]): Promise<void> {
    const v = versionOf(driverOf(id), version);
    for (const to of path) {
      if (!canTransition(v.state, to)) {
        fail('CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION', `${id}@${version}: ${v.state} → ${to}`, {
          driver: id,
          version,
          from: v.state,
          to,
        });
      }
      await pause();
      emit(id, version, v, to);
    }
  }

  function addVersion(entry: FakeCatalogEntry, sha256: string): FakeDriver {
    const { id, version } = entry.descriptor;
    const d = drivers.get(id) ?? { id, versions: new Map(), previous: [] };
    drivers.set(id, d);
    d.versions.set(version, {
      descriptor: entry.descriptor,
      messages: entry.messages,
      sha256,
      state: 'Discovered',
      installedAt: isoNow(),
      signature: {
        signed: true,
        vendor: entry.descriptor.vendor,
        subject: `CN=${entry.descriptor.vendor}`,
      },
      calls: 0,
      errors: 0,
      latencies: [],
    });
    return d;
  }

  const BOOT: DriverState[] = ['Verified', 'Resolved', 'Loaded', 'Starting', 'Running'];

  function fakeSha(id: string, version: string): string {
    return Buffer.from(`${id}@${version}`).toString('hex').padEnd(64, '0').slice(0, 64);
  }

  function boundTo(id: string, version: string): string[] {
    return [...resources.values()]
      .filter((r) => r.binding.driverId === id && r.binding.version === version)
      .map((r) => r.resource.id)
      .sort();
  }

  function versionInfo(d: FakeDriver, version: string, v: FakeVersion): DriverVersionInfo {
    return {
      id: d.id,
      version,
      sha256: v.sha256,
      descriptor: v.descriptor,
      state: v.state,
      tier: (v.descriptor.isolation ?? 'worker') as IsolationTier,
      active: d.active === version,
      resources: boundTo(d.id, version),
      signature: v.signature,
      installedAt: v.installedAt,
      messages: v.messages,
      ...(v.failure ? { failure: v.failure } : {}),
    };
  }

  function driverInfo(d: FakeDriver): DriverInfo {
    const versions = [...d.versions].sort(([a], [b]) => compareVersions(a, b));
    const head = d.versions.get(d.active ?? versions[versions.length - 1]?.[0] ?? '');
    return {
      id: d.id,
      name: head?.descriptor.name ?? d.id,
      vendor: head?.descriptor.vendor ?? '',
      category: head?.descriptor.category ?? '',
      ...(d.active ? { activeVersion: d.active } : {}),
      versions: versions.map(([version, v]) => versionInfo(d, version, v)),
    };
  }

  function resourceInfo(r: FakeResource): ResourceInfo {
    const v = drivers.get(r.binding.driverId)?.versions.get(r.binding.version);
    return {
      resource: r.resource,
      binding: r.binding,
      configuration: maskSecrets(v?.descriptor.properties ?? [], r.config),
      state: r.state,
      queued: 0,
    };
  }

  function notices(): UpdateNotice[] {
    const out: UpdateNotice[] = [];
    for (const d of drivers.values()) {
      if (!d.active) continue;
      const newest = [...catalog.values()]
        .filter((e) => e.descriptor.id === d.id)
        .map((e) => e.descriptor.version)
        .sort(compareVersions)
        .pop();
      if (newest && compareVersions(newest, d.active) > 0) {
        const category = d.versions.get(d.active)?.descriptor.category ?? '';
        out.push({ id: d.id, installed: d.active, available: newest, category });
      }
    }
    return out;
  }

  function startRecord(
    action: UpgradeRecord['action'],
    driverId: string,
    principal: Principal,
    extra: Partial<UpgradeRecord> = {},
  ): UpgradeRecord {
    const record: UpgradeRecord = {
      id: `u-${nextRecord++}`,
      action,
      driverId,
      principal: principal.id,
      startedAt: isoNow(),
      result: 'running',
      resources: [],
      ...extra,
    };
    upgrades.push(record);
    upgrades$.next(record);
    return record;
  }

  function finish(record: UpgradeRecord, patch: Partial<UpgradeRecord>): UpgradeRecord {
    const done: UpgradeRecord = { ...record, finishedAt: isoNow(), ...patch };
    upgrades[upgrades.indexOf(record)] = done;
    upgrades$.next(done);
    return done;
  }

  /** Moves every resource of `from` to `to` through suspend → rebind → resume. */
  async function swap(d: FakeDriver, from: string | undefined, to: string, remember = true) {
    const moved: { id: string; from: string; to: string; pausedMs: number }[] = [];
    const old = from ? d.versions.get(from) : undefined;
    if (from && old?.state === 'Running') await move(d.id, from, ['Suspended']);
    for (const id of from ? boundTo(d.id, from) : []) {
      const r = resources.get(id)!;
      const t0 = Date.now();
      r.state = 'suspended';
      await pause();
      r.binding = { driverId: d.id, version: to };
      r.state = 'active';
      moved.push({ id, from: from!, to, pausedMs: Date.now() - t0 });
    }
    if (from && old?.state === 'Suspended') await move(d.id, from, ['Running']);
    if (remember && from && from !== to) d.previous.push(from);
    d.active = to;
    return moved;
  }

  async function guarded<T>(driverId: string, work: () => Promise<T>): Promise<T> {
    if (busy.has(driverId)) {
      fail('CHASSIS_E_UPGRADE_IN_PROGRESS', `An install/upgrade of ${driverId} is running.`, {
        driver: driverId,
      });
    }
    busy.add(driverId);
    try {
      return await work();
    } finally {
      busy.delete(driverId);
    }
  }

  async function runRecorded(
    record: UpgradeRecord,
    work: () => Promise<Partial<UpgradeRecord>>,
  ): Promise<UpgradeRecord> {
    try {
      return finish(record, { result: 'succeeded', ...(await work()) });
    } catch (err) {
      finish(record, { result: 'failed', error: serializeError(err) });
      throw err;
    }
  }

  // Seed.
  for (const entry of fakeCatalog())
    catalog.set(`${entry.descriptor.id}@${entry.descriptor.version}`, entry);
  if (!options.empty) {
    for (const seed of FAKE_SEED.installed) {
      const entry = catalog.get(`${seed.id}@${seed.version}`)!;
      const d = addVersion(entry, fakeSha(seed.id, seed.version));
      const v = d.versions.get(seed.version)!;
      for (const to of BOOT) emit(seed.id, seed.version, v, to);
      if ('failed' in seed && seed.failed) {
        emit(
          seed.id,
          seed.version,
          v,
          'Failed',
          new ChassisError('CHASSIS_E_LIFECYCLE_STEP_FAILED', `${seed.id}: host unreachable`),
        );
      }
      d.active = seed.version;
      v.calls = 12;
      v.latencies = [3, 8, 12, 40, 7, 9, 15, 22, 4, 6, 130, 11];
      v.errors = 1;
    }
    for (const r of FAKE_SEED.resources) {
      const d = drivers.get(r.driverId)!;
      const v = d.versions.get(d.active!)!;
      resources.set(r.id, {
        resource: {
          id: r.id,
          kind: r.kind,
          category: v.descriptor.category,
          driverId: r.driverId,
          ...('name' in r ? { name: r.name } : {}),
        },
        binding: { driverId: r.driverId, version: d.active! },
        config: applyConfigChange(v.descriptor.properties ?? [], undefined, r.properties),
        state: 'active',
      });
    }
  }

  const api: FakeRuntime = {
    lifecycle$: lifecycle$.asObservable(),
    upgrades$: upgrades$.asObservable(),
    updates$: updates$.asObservable(),

    listDrivers() {
      const err = takeFailure('listDrivers');
      if (err !== undefined) throw err;
      return [...drivers.values()].sort((a, b) => a.id.localeCompare(b.id)).map(driverInfo);
    },
    getDriver: (id) => driverInfo(driverOf(id)),
    lifecycleHistory(id) {
      driverOf(id);
      return [...(history.get(id) ?? [])];
    },
    executorMetrics() {
      const out: ExecutorMetricsView[] = [];
      for (const d of drivers.values()) {
        for (const [version, v] of d.versions) {
          if (v.state !== 'Running' && v.state !== 'Suspended') continue;
          out.push({
            driverId: d.id,
            version,
            calls: v.calls,
            errors: v.errors,
            inFlight: 0,
            queued: boundTo(d.id, version).reduce(
              (n, id) => n + (resources.get(id)?.state === 'suspended' ? 1 : 0),
              0,
            ),
            latencyBuckets: BUCKETS.map((le) => ({
              le,
              count: v.latencies.filter((l) => l <= le).length,
            })),
            latencySumMs: v.latencies.reduce((a, b) => a + b, 0),
          });
        }
      }
      return out;
    },

    listResources(filter) {
      return [...resources.values()]
        .filter((r) => !filter?.driverId || r.binding.driverId === filter.driverId)
        .sort((a, b) => a.resource.id.localeCompare(b.resource.id))
        .map(resourceInfo);
    },
    getResource(id) {
      const r = resources.get(id);
      if (!r) fail('CHASSIS_E_RESOURCE_NOT_FOUND', `No resource ${id}.`, { resource: id });
      return resourceInfo(r);
    },
    async createResource(input) {
      const err = takeFailure('createResource');
      if (err !== undefined) throw err;
      if (resources.has(input.id)) {
        fail('CHASSIS_E_RESOURCE_DUPLICATE', `Resource ${input.id} already exists.`, {
          resource: input.id,
        });
      }
      const d = driverOf(input.driverId);
      if (!d.active)
        fail('CHASSIS_E_UPGRADE_NOT_INSTALLED', `Driver ${d.id} has no active version.`);
      const v = versionOf(d, d.active);
      const config = applyConfigChange(v.descriptor.properties ?? [], undefined, input.properties, {
        messages: v.messages,
        driver: d.id,
      });
      const r: FakeResource = {
        resource: {
          id: input.id,
          kind: input.kind,
          category: v.descriptor.category,
          driverId: d.id,
          ...(input.name ? { name: input.name } : {}),
        },
        binding: { driverId: d.id, version: d.active },
        config,
        state: 'active',
      };
      resources.set(input.id, r);
      return resourceInfo(r);
    },
    async configure(resourceId, properties) {
      const err = takeFailure('configure');
      if (err !== undefined) throw err;
      const r = resources.get(resourceId);
      if (!r)
        fail('CHASSIS_E_RESOURCE_NOT_FOUND', `No resource ${resourceId}.`, {
          resource: resourceId,
        });
      const v = versionOf(driverOf(r.binding.driverId), r.binding.version);
      r.config = applyConfigChange(v.descriptor.properties ?? [], r.config, properties, {
        messages: v.messages,
        driver: r.binding.driverId,
      });
      return resourceInfo(r);
    },

    async install(source: InstallSource, principal) {
      const err = takeFailure('install');
      if (err !== undefined) throw err;
      let entry: FakeCatalogEntry;
      let sha256: string;
      if (source.kind === 'file') {
        const car = await readCar(source.path);
        entry = { descriptor: car.descriptor, messages: car.messages };
        sha256 = car.sha256;
      } else {
        const versions = [...catalog.values()].filter((e) => e.descriptor.id === source.id);
        const wanted = source.version
          ? versions.find((e) => e.descriptor.version === source.version)
          : versions
              .sort((a, b) => compareVersions(a.descriptor.version, b.descriptor.version))
              .pop();
        if (!wanted) {
          fail(
            'CHASSIS_E_REPO_DRIVER_NOT_FOUND',
            `The repository has no ${source.id}${source.version ? `@${source.version}` : ''}.`,
            { driver: source.id },
          );
        }
        entry = wanted;
        sha256 = fakeSha(source.id, wanted.descriptor.version);
      }
      const { id, version } = entry.descriptor;
      if (drivers.get(id)?.versions.has(version)) {
        fail('CHASSIS_E_UPGRADE_SAME_VERSION', `${id}@${version} is already installed.`, {
          driver: id,
          version,
        });
      }
      return guarded(id, async () => {
        const record = startRecord('install', id, principal, { to: version });
        return runRecorded(record, async () => {
          const d = addVersion(entry, sha256);
          await move(id, version, BOOT);
          if (!d.active) d.active = version;
          return {};
        });
      });
    },

    async upgrade(driverId, opts, principal) {
      const d = driverOf(driverId);
      const policy: RolloutPolicy = opts.policy ?? { kind: 'all-at-once' };
      if (
        policy.kind === 'canary' &&
        !(Number.isInteger(policy.canaries) && policy.canaries >= 1)
      ) {
        fail('CHASSIS_E_UPGRADE_POLICY_INVALID', 'A canary policy needs canaries ≥ 1.', { policy });
      }
      const target =
        opts.version ??
        [...catalog.values()]
          .filter((e) => e.descriptor.id === driverId)
          .map((e) => e.descriptor.version)
          .sort(compareVersions)
          .pop();
      if (!target || (!d.versions.has(target) && !catalog.has(`${driverId}@${target}`))) {
        fail(
          'CHASSIS_E_UPGRADE_NOT_INSTALLED',
          `No version ${target ?? '(newer)'} of ${driverId} is available.`,
          { driver: driverId, version: target },
        );
      }
      if (target === d.active) {
        fail('CHASSIS_E_UPGRADE_SAME_VERSION', `${driverId}@${target} is already active.`, {
          driver: driverId,
          version: target,
        });
      }
      return guarded(driverId, async () => {
        const from = d.active;
        const record = startRecord('upgrade', driverId, principal, {
          ...(from ? { from } : {}),
          to: target,
          policy,
        });
        return runRecorded(record, async () => {
          const err = takeFailure('upgrade');
          if (err !== undefined) throw err;
          if (!d.versions.has(target)) {
            addVersion(catalog.get(`${driverId}@${target}`)!, fakeSha(driverId, target));
            await move(driverId, target, BOOT);
          }
          return { resources: await swap(d, from, target) };
        });
      });
    },

    async rollback(driverId, principal) {
      const d = driverOf(driverId);
      const err = takeFailure('rollback');
      if (err !== undefined) throw err;
      const target = [...d.previous].reverse().find((v) => d.versions.has(v) && v !== d.active);
      if (!target)
        fail(
          'CHASSIS_E_UPGRADE_NO_PREVIOUS',
          `${driverId} has no previous version to roll back to.`,
          { driver: driverId },
        );
      return guarded(driverId, async () => {
        const from = d.active;
        const record = startRecord('rollback', driverId, principal, {
          ...(from ? { from } : {}),
          to: target,
        });
        return runRecorded(record, async () => {
          const moved = await swap(d, from, target, false);
          d.previous = d.previous.filter((v) => v !== target);
          return { resources: moved, result: 'rolled-back' };
        });
      });
    },

    async uninstall(driverId, opts, principal) {
      const err = takeFailure('uninstall');
      if (err !== undefined) throw err;
      const d = driverOf(driverId);
      const versions = opts.version ? [opts.version] : [...d.versions.keys()];
      for (const version of versions) {
        versionOf(d, version);
        const bound = boundTo(driverId, version);
        if (bound.length > 0 && !opts.force) {
          fail(
            'CHASSIS_E_UNINSTALL_BOUND',
            `${driverId}@${version} still serves ${bound.join(', ')}; move them or use force.`,
            { driver: driverId, version, resources: bound },
          );
        }
      }
      return guarded(driverId, async () => {
        const record = startRecord('uninstall', driverId, principal, { from: versions.join(',') });
        return runRecorded(record, async () => {
          for (const version of versions) {
            const v = d.versions.get(version)!;
            const path: DriverState[] =
              v.state === 'Running' || v.state === 'Suspended'
                ? ['Stopping', 'Stopped', 'Unloaded']
                : v.state === 'Failed' || v.state === 'Stopped' || v.state === 'Loaded'
                  ? ['Unloaded']
                  : [];
            await move(driverId, version, path);
            for (const id of boundTo(driverId, version)) resources.delete(id);
            d.versions.delete(version);
            d.previous = d.previous.filter((p) => p !== version);
            if (d.active === version) delete d.active;
          }
          if (d.versions.size === 0) drivers.delete(driverId);
          return {};
        });
      });
    },

    async restart(driverId, opts) {
      const err = takeFailure('restart');
      if (err !== undefined) throw err;
      const d = driverOf(driverId);
      const version = opts.version ?? d.active;
      if (!version) fail('CHASSIS_E_UPGRADE_NOT_INSTALLED', `${driverId} has no active version.`);
      await move(driverId, version, ['Starting', 'Running']);
    },
    upgradeHistory(driverId) {
      return upgrades.filter((u) => !driverId || u.driverId === driverId);
    },
    availableUpdates: notices,
    async checkUpdates() {
      const err = takeFailure('checkUpdates');
      if (err !== undefined) throw err;
      const list = notices();
      updates$.next(list);
      return list;
    },

    failNext(method, error) {
      failures.set(method, error);
    },
    publish(entry) {
      catalog.set(`${entry.descriptor.id}@${entry.descriptor.version}`, entry);
    },
    recordCall(driverId, latencyMs, ok = true) {
      const d = driverOf(driverId);
      const v = versionOf(d, d.active ?? '');
      v.calls++;
      if (!ok) v.errors++;
      v.latencies.push(latencyMs);
    },
    setState(driverId, version, state, cause) {
      emit(driverId, version, versionOf(driverOf(driverId), version), state, cause);
    },
    observerCount() {
      return countObservers(lifecycle$) + countObservers(upgrades$) + countObservers(updates$);
    },
  };
  return api;
}

function countObservers(subject: object): number {
  // rxjs keeps current observers on the (internal, but stable since 7.0) `observers` array.
  return (subject as unknown as { observers: unknown[] }).observers.length;
}
