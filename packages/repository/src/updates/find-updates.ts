import semver from 'semver';
import type { DriverEntry } from '../tuf/entry.js';

/** A driver installed on this server. */
export interface InstalledDriver {
  readonly id: string;
  readonly version: string;
}

/** What the server can run: its own version and the contract version of each extension point. */
export interface HostCompatibility {
  /** This Chassis version, checked against each CAR's `engines.chassis`. */
  readonly chassisVersion: string;
  /**
   * Extension point id → contract version the host implements (e.g. `storage.primary: 1.2.0`).
   * When given, a CAR is compatible only if every point it provides is known and in range.
   */
  readonly contracts?: Readonly<Record<string, string>>;
}

/** An installed driver with newer compatible versions in the repository. */
export interface UpdateNotice {
  readonly id: string;
  readonly installed: string;
  /** The newest compatible version. */
  readonly latest: DriverEntry;
  /** Every newer compatible version, newest first. */
  readonly available: readonly DriverEntry[];
}

/** True when the host can run `entry` (engines range and contract ranges). */
export function isCompatible(entry: DriverEntry, host: HostCompatibility): boolean {
  const opts = { includePrerelease: true };
  if (!semver.satisfies(host.chassisVersion, entry.engines.chassis, opts)) return false;
  if (!host.contracts) return true;
  return entry.provides.every((p) => {
    const have = host.contracts?.[p.point];
    return have !== undefined && semver.satisfies(have, p.version, opts);
  });
}

/**
 * Pure: for each installed driver, the repository versions that are newer (semver) and
 * compatible with the host. Drivers without updates are left out; output sorted by id.
 */
export function findUpdates(
  installed: readonly InstalledDriver[],
  entries: readonly DriverEntry[],
  host: HostCompatibility,
): UpdateNotice[] {
  const notices: UpdateNotice[] = [];
  const seen = new Set<string>();
  for (const d of [...installed].sort((a, b) => a.id.localeCompare(b.id))) {
    if (seen.has(d.id) || !semver.valid(d.version)) continue;
    // With several versions installed side by side, the newest one decides.
    const current = installed
      .filter((i) => i.id === d.id && semver.valid(i.version))
      .map((i) => i.version)
      .sort(semver.rcompare)[0]!;
    seen.add(d.id);
    const available = entries
      .filter(
        (e) =>
          e.id === d.id &&
          semver.valid(e.version) &&
          semver.gt(e.version, current) &&
          isCompatible(e, host),
      )
      .sort((a, b) => semver.rcompare(a.version, b.version));
    if (available.length)
      notices.push({ id: d.id, installed: current, latest: available[0]!, available });
  }
  return notices;
}
