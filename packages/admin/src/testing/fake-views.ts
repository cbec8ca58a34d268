import { type IsolationTier, maskSecrets } from '@chassis/kernel';
import type {
  DriverInfo,
  DriverMemoryView,
  DriverVersionInfo,
  ExecutorMetricsView,
  ResourceInfo,
  UpdateNotice,
} from '@chassis/runtime';
import {
  boundTo,
  type FakeDriver,
  type FakeResource,
  type FakeState,
  type FakeVersion,
} from './fake-state.js';
import { compareVersions } from './versions.js';

/** Upper bounds (ms) of the executor latency histogram buckets. */
const BUCKETS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500];

/** What the runtime API reports about one installed version. */
export function versionInfo(
  s: FakeState,
  d: FakeDriver,
  version: string,
  v: FakeVersion,
): DriverVersionInfo {
  return {
    id: d.id,
    version,
    sha256: v.sha256,
    descriptor: v.descriptor,
    state: v.state,
    tier: (v.descriptor.isolation ?? 'worker') as IsolationTier,
    active: d.active === version,
    resources: boundTo(s, d.id, version),
    signature: v.signature,
    installedAt: v.installedAt,
    messages: v.messages,
    ...(v.failure ? { failure: v.failure } : {}),
    ...(v.restarts ? { restarts: v.restarts } : {}),
    // The kernel config's defaults, as a server without a confinement section reports them.
    limits: {
      heapMb: 256,
      maxMessageBytes: 16 * 1024 * 1024,
      env: [],
      permissions: { childProcess: false, worker: false, addons: false, read: [] },
    },
  };
}

/** What the runtime API reports about one driver: named after its active (or newest) version. */
export function driverInfo(s: FakeState, d: FakeDriver): DriverInfo {
  const versions = [...d.versions].sort(([a], [b]) => compareVersions(a, b));
  const head = d.versions.get(d.active ?? versions[versions.length - 1]?.[0] ?? '');
  return {
    id: d.id,
    name: head?.descriptor.name ?? d.id,
    vendor: head?.descriptor.vendor ?? '',
    category: head?.descriptor.category ?? '',
    ...(d.active ? { activeVersion: d.active } : {}),
    versions: versions.map(([version, v]) => versionInfo(s, d, version, v)),
  };
}

/** What the runtime API reports about one resource, secrets masked. */
export function resourceInfo(s: FakeState, r: FakeResource): ResourceInfo {
  const v = s.drivers.get(r.binding.driverId)?.versions.get(r.binding.version);
  return {
    resource: r.resource,
    binding: r.binding,
    configuration: maskSecrets(v?.descriptor.properties ?? [], r.config),
    state: r.state,
    queued: 0,
    ...(r.pinned ? { pinned: true } : {}),
  };
}

/** Drivers whose repository offers a version newer than the active one. */
export function notices(s: FakeState): UpdateNotice[] {
  const out: UpdateNotice[] = [];
  for (const d of s.drivers.values()) {
    if (!d.active) continue;
    const newest = [...s.catalog.values()]
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

/** Executor metrics of every `Running` or `Suspended` version. */
export function executorMetrics(s: FakeState): ExecutorMetricsView[] {
  const out: ExecutorMetricsView[] = [];
  for (const d of s.drivers.values()) {
    for (const [version, v] of d.versions) {
      if (v.state !== 'Running' && v.state !== 'Suspended') continue;
      out.push({
        driverId: d.id,
        version,
        calls: v.calls,
        errors: v.errors,
        inFlight: 0,
        queued: boundTo(s, d.id, version).reduce(
          (n, id) => n + (s.resources.get(id)?.state === 'suspended' ? 1 : 0),
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
}

const MiB = 1024 * 1024;

/**
 * Plausible memory readings of every `Running` or `Suspended` version in its own environment
 * (in-process versions have none): a worker's heap grows a little with its calls; a process
 * also reports its resident set.
 */
export function driverMemory(s: FakeState): DriverMemoryView[] {
  const out: DriverMemoryView[] = [];
  for (const d of [...s.drivers.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const [version, v] of [...d.versions].sort(([a], [b]) => compareVersions(a, b))) {
      const tier = (v.descriptor.isolation ?? 'worker') as IsolationTier;
      if (tier === 'in-process' || (v.state !== 'Running' && v.state !== 'Suspended')) continue;
      const heapUsedBytes = 9 * MiB + v.calls * 4096;
      out.push({
        driverId: d.id,
        version,
        tier,
        heapUsedBytes,
        heapTotalBytes: 16 * MiB,
        externalBytes: 2 * MiB,
        ...(tier === 'process' ? { rssBytes: 48 * MiB + heapUsedBytes } : {}),
      });
    }
  }
  return out;
}
