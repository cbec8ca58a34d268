import type { DriverHandle } from '@chassis/kernel';
import type { ManagedDriverHandle } from '@chassis/loader';
import type { DriverMemoryOptions, DriverMemoryView } from '../api/runtime-api.js';
import type { InstalledDriver } from '../manager/context.js';

/** How long one environment may take to report its memory, unless the caller says otherwise. */
const DEFAULT_TIMEOUT_MS = 1000;

function canReportMemory(h: DriverHandle): h is ManagedDriverHandle {
  return typeof (h as Partial<ManagedDriverHandle>).memory === 'function';
}

/**
 * Reads the memory of every loaded version at once (so a scrape waits at most one timeout, not
 * one per driver) and lists those that answered, sorted by driver and version. A handle without
 * `memory()`, an in-process one, a dead one or a late one is left out; nothing here rejects.
 */
export async function readDriverMemory(
  drivers: Iterable<InstalledDriver>,
  options: DriverMemoryOptions = {},
): Promise<DriverMemoryView[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const readings: Promise<DriverMemoryView | undefined>[] = [];
  for (const inst of drivers) {
    for (const [version, v] of inst.loaded) {
      const handle = v.handle;
      if (!canReportMemory(handle) || handle.tier === 'in-process') continue;
      const driverId = inst.record.id;
      readings.push(
        handle.memory({ timeoutMs }).then(
          (m) => (m ? { driverId, version, ...m } : undefined),
          () => undefined,
        ),
      );
    }
  }
  const out = (await Promise.all(readings)).filter((m): m is DriverMemoryView => m !== undefined);
  return out.sort(
    (a, b) => a.driverId.localeCompare(b.driverId) || a.version.localeCompare(b.version),
  );
}
