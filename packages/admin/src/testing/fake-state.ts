import {
  ChassisError,
  type CompartmentState,
  type DriverDescriptor,
  type DriverState,
  type ErrorCode,
  type LifecycleEvent,
  type MessageCatalog,
  type PropertyBag,
  type Resource,
  type ResourceBinding,
  type SerializedError,
} from '@chassis/kernel';
import type { RestartStatus, SignatureInfo, UpgradeRecord } from '@chassis/runtime';
import type { FakeCatalogEntry } from './fake-data.js';
import { createFakeStreams, type FakeStreams } from './fake-streams.js';

/** One installed version of a fake driver, with the executor numbers the metrics report. */
export interface FakeVersion {
  descriptor: DriverDescriptor;
  messages: MessageCatalog;
  sha256: string;
  state: DriverState;
  installedAt: string;
  signature: SignatureInfo;
  failure?: SerializedError;
  /** Automatic restarts after faults, as the runtime's restart supervisor reports them. */
  restarts?: RestartStatus;
  calls: number;
  errors: number;
  latencies: number[];
}

/** One installed fake driver: its versions and which one serves resources. */
export interface FakeDriver {
  id: string;
  versions: Map<string, FakeVersion>;
  active?: string;
  /** Versions that were active before, most recent last (rollback targets). */
  previous: string[];
}

/** One fake resource, bound to a driver version. */
export interface FakeResource {
  resource: Resource;
  binding: ResourceBinding;
  config: PropertyBag;
  state: CompartmentState;
  pinned?: boolean;
}

/** Methods whose next call can be made to fail with `FakeRuntime.failNext`. */
export type FakeFailable =
  /** An upgrade that fails after it started (a failed record, as the runtime records one). */
  | 'upgrade'
  /** An update check that throws (e.g. an untyped error the API must not leak). */
  | 'checkUpdates';

/** Everything one fake runtime knows; the other `fake-*` modules read and change it. */
export interface FakeState extends FakeStreams {
  /** Versions the fake repository offers, by `id@version`. */
  readonly catalog: Map<string, FakeCatalogEntry>;
  readonly drivers: Map<string, FakeDriver>;
  readonly resources: Map<string, FakeResource>;
  /** Lifecycle events per driver, the last 200. */
  readonly history: Map<string, LifecycleEvent[]>;
  readonly upgrades: UpgradeRecord[];
  /** Errors the next call of a method throws (`FakeRuntime.failNext`). */
  readonly failures: Map<FakeFailable, unknown>;
  /** Drivers with an install/upgrade running. */
  readonly busy: Set<string>;
  readonly stepDelayMs: number;
  /** Number of the next upgrade record id. */
  nextRecord: number;
}

/** The lifecycle steps from a freshly added version to `Running`. */
export const BOOT: DriverState[] = ['Verified', 'Resolved', 'Loaded', 'Starting', 'Running'];

/** Creates an empty fake state (no catalog, drivers or resources yet). */
export function createFakeState(stepDelayMs: number): FakeState {
  return {
    ...createFakeStreams(),
    catalog: new Map(),
    drivers: new Map(),
    resources: new Map(),
    history: new Map(),
    upgrades: [],
    failures: new Map(),
    busy: new Set(),
    stepDelayMs,
    nextRecord: 1,
  };
}

/** Throws the {@link ChassisError} a real runtime would throw. */
export function fail(
  code: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): never {
  throw new ChassisError(code, message, { details });
}

/** The current time as an ISO 8601 string. */
export function isoNow(): string {
  return new Date().toISOString();
}

/** Waits one lifecycle step, so UIs can see it (a macrotask when there is no delay). */
export function pause(s: FakeState): Promise<void> {
  return new Promise((resolve) =>
    s.stepDelayMs > 0 ? setTimeout(resolve, s.stepDelayMs) : setImmediate(resolve),
  );
}

/** Throws (once) the error set for the next call of `method`, if any. */
export function throwIfFailing(s: FakeState, method: FakeFailable): void {
  const err = s.failures.get(method);
  s.failures.delete(method);
  if (err !== undefined) throw err;
}

/** The installed driver `id`; throws `CHASSIS_E_UPGRADE_NOT_INSTALLED` when there is none. */
export function driverOf(s: FakeState, id: string): FakeDriver {
  const d = s.drivers.get(id);
  if (!d) fail('CHASSIS_E_UPGRADE_NOT_INSTALLED', `Driver ${id} is not installed.`, { driver: id });
  return d;
}

/** The installed `version` of `d`; throws `CHASSIS_E_UPGRADE_NOT_INSTALLED` when there is none. */
export function versionOf(d: FakeDriver, version: string): FakeVersion {
  const v = d.versions.get(version);
  if (!v) {
    fail('CHASSIS_E_UPGRADE_NOT_INSTALLED', `Driver ${d.id}@${version} is not installed.`, {
      driver: d.id,
      version,
    });
  }
  return v;
}

/** A stable, plausible-looking sha256 for a catalog version (no real CAR behind it). */
export function fakeSha(id: string, version: string): string {
  return Buffer.from(`${id}@${version}`).toString('hex').padEnd(64, '0').slice(0, 64);
}

/** Ids of the resources bound to `id@version`, sorted. */
export function boundTo(s: FakeState, id: string, version: string): string[] {
  return [...s.resources.values()]
    .filter((r) => r.binding.driverId === id && r.binding.version === version)
    .map((r) => r.resource.id)
    .sort();
}

/** Adds `entry` as a `Discovered` version, creating its driver if needed. */
export function addVersion(s: FakeState, entry: FakeCatalogEntry, sha256: string): FakeDriver {
  const { id, version } = entry.descriptor;
  const d = s.drivers.get(id) ?? { id, versions: new Map(), previous: [] };
  s.drivers.set(id, d);
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
