import { ChassisError } from '@chassis/kernel';
import semver from 'semver';

/** What a rollback target is chosen from: a driver's record (or a double's equivalent). */
export interface RollbackCandidates {
  readonly id: string;
  readonly active?: string | undefined;
  readonly previous?: string | undefined;
  readonly versions: readonly { readonly version: string }[];
}

/** The kept versions of a driver, newest first (semver; unparsable ones last, by name). */
export function keptVersions(record: Pick<RollbackCandidates, 'versions'>): string[] {
  return record.versions
    .map((v) => v.version)
    .sort((a, b) => {
      const va = semver.valid(a);
      const vb = semver.valid(b);
      if (va && vb) return semver.rcompare(va, vb);
      if (va || vb) return va ? -1 : 1;
      return a.localeCompare(b);
    });
}

/**
 * Pure: the version a rollback of `record` moves to. `to` absent: the previously active version
 * (`CHASSIS_E_UPGRADE_NO_PREVIOUS` when there is none kept). `to` given: it must be a kept
 * version (`CHASSIS_E_UPGRADE_VERSION_NOT_KEPT`, naming the kept ones) other than the active one
 * (`CHASSIS_E_UPGRADE_SAME_VERSION`).
 */
export function rollbackTarget(record: RollbackCandidates, to?: string): string {
  const id = record.id;
  const kept = keptVersions(record);
  if (to === undefined) {
    const previous = record.previous;
    if (!previous || !kept.includes(previous)) {
      throw new ChassisError(
        'CHASSIS_E_UPGRADE_NO_PREVIOUS',
        `Driver ${id} has no previous version to roll back to; kept versions: ${kept.join(', ') || 'none'} (pick one with --to)`,
        { details: { driver: id, kept } },
      );
    }
    return previous;
  }
  if (!kept.includes(to)) {
    throw new ChassisError(
      'CHASSIS_E_UPGRADE_VERSION_NOT_KEPT',
      `Driver ${id} has no kept version ${to} to roll back to; kept versions: ${kept.join(', ') || 'none'}`,
      { details: { driver: id, version: to, kept } },
    );
  }
  if (to === record.active) {
    throw new ChassisError(
      'CHASSIS_E_UPGRADE_SAME_VERSION',
      `${id}@${to} is already the active version; kept versions: ${kept.join(', ')}`,
      { details: { driver: id, version: to, kept } },
    );
  }
  return to;
}
