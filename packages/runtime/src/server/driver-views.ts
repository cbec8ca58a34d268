import type { DriverHandle, LifecycleManager, ResourceRegistry } from '@chassis/kernel';
import type { ManagedDriverHandle } from '@chassis/loader';
import type {
  DriverInfo,
  DriverVersionInfo,
  ExecutorMetricsView,
  RestartStatus,
} from '../api/runtime-api.js';
import type { InstalledDriver } from '../manager/context.js';

/** What a driver's summary is read from, besides its installed record. */
export interface DriverViewSources {
  readonly lifecycle: LifecycleManager;
  readonly resources: ResourceRegistry<DriverHandle>;
  /** The limits a driver runs with. */
  readonly limitsOf?: (
    descriptor: DriverVersionInfo['descriptor'],
  ) => NonNullable<DriverVersionInfo['limits']>;
  /** Automatic restarts of a version (the server's restart supervisor). */
  readonly restartsOf?: (id: string, version: string) => RestartStatus | undefined;
}

/**
 * The summary of one installed driver ({@link DriverInfo}): every version with its state, tier,
 * bound resources, limits, failure and restarts; name, vendor and category from the active
 * version (else the first). Reads only; the same inputs give the same view.
 */
export function driverInfo(inst: Readonly<InstalledDriver>, from: DriverViewSources): DriverInfo {
  const id = inst.record.id;
  const versions: DriverVersionInfo[] = inst.record.versions.map((rec) => {
    const loaded = inst.loaded.get(rec.version);
    const state = from.lifecycle.get(id, rec.version);
    const restarts = from.restartsOf?.(id, rec.version);
    return {
      id,
      version: rec.version,
      sha256: rec.sha256,
      descriptor:
        loaded?.descriptor ?? ({ id, version: rec.version } as DriverVersionInfo['descriptor']),
      state: state?.state ?? 'Unloaded',
      tier: loaded?.tier ?? 'worker',
      active: rec.version === inst.record.active,
      resources: from.resources.boundTo(id, rec.version).map((e) => e.resource.id),
      signature: rec.signature,
      installedAt: rec.installedAt,
      messages: loaded?.messages ?? {},
      ...(loaded && from.limitsOf ? { limits: from.limitsOf(loaded.descriptor) } : {}),
      ...(state?.state === 'Failed' && state.cause ? { failure: state.cause } : {}),
      ...(restarts ? { restarts } : {}),
    };
  });
  const main = versions.find((v) => v.active) ?? versions[0];
  const d = main?.descriptor;
  return {
    id,
    name: d?.name ?? id,
    vendor: d?.vendor ?? '',
    category: d?.category ?? '',
    ...(inst.record.active ? { activeVersion: inst.record.active } : {}),
    versions,
  };
}

function isManaged(h: DriverHandle): h is ManagedDriverHandle {
  return typeof (h as Partial<ManagedDriverHandle>).metrics === 'function';
}

/**
 * The executor counters of every loaded version whose handle keeps them, with the latency
 * histogram made cumulative (Prometheus `le` buckets).
 */
export function executorMetricsOf(
  drivers: Iterable<Readonly<InstalledDriver>>,
): ExecutorMetricsView[] {
  const out: ExecutorMetricsView[] = [];
  for (const inst of drivers) {
    for (const [version, v] of inst.loaded) {
      if (!isManaged(v.handle)) continue;
      const m = v.handle.metrics();
      let cumulative = 0;
      out.push({
        driverId: inst.record.id,
        version,
        calls: m.calls,
        errors: m.errors,
        inFlight: m.inFlight,
        queued: m.queued,
        latencyBuckets: m.latency.bounds.map((le, i) => {
          cumulative += m.latency.counts[i] ?? 0;
          return { le, count: cumulative };
        }),
        latencySumMs: m.latency.sum,
      });
    }
  }
  return out;
}
