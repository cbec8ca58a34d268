import { ChassisError, driverKey } from '@chassis/kernel';
import type { InstallLock, LockedDriver } from './lock.js';

/** How installed drivers differ from a lock. */
export interface LockDiff {
  /** In the lock, not installed: install these to reproduce the set. */
  readonly missing: readonly LockedDriver[];
  /** Installed, not in the lock: remove these (or update the lock). */
  readonly extra: readonly LockedDriver[];
  /** Same id@version with another digest: a different build, never silently accepted. */
  readonly changed: readonly { readonly locked: LockedDriver; readonly installed: LockedDriver }[];
  /** True when nothing differs. */
  readonly matches: boolean;
}

/** Pure: compares a lock with what is installed (keyed by id@version, digests compared). */
export function diffLock(lock: InstallLock, installed: readonly LockedDriver[]): LockDiff {
  const have = new Map(installed.map((d) => [driverKey(d), d] as const));
  const want = new Map(lock.drivers.map((d) => [driverKey(d), d] as const));
  const missing: LockedDriver[] = [];
  const changed: { locked: LockedDriver; installed: LockedDriver }[] = [];
  for (const [key, locked] of want) {
    const got = have.get(key);
    if (!got) missing.push(locked);
    else if (got.sha256 !== locked.sha256) changed.push({ locked, installed: got });
  }
  const extra = [...have].filter(([key]) => !want.has(key)).map(([, d]) => d);
  const byKey = (a: LockedDriver, b: LockedDriver) => driverKey(a).localeCompare(driverKey(b));
  missing.sort(byKey);
  extra.sort(byKey);
  return { missing, extra, changed, matches: !missing.length && !extra.length && !changed.length };
}

/** Throws `CHASSIS_E_LOCK_MISMATCH` (details: the diff) unless `installed` matches `lock`. */
export function verifyLock(lock: InstallLock, installed: readonly LockedDriver[]): void {
  const diff = diffLock(lock, installed);
  if (diff.matches) return;
  const parts = [
    diff.missing.length ? `missing ${diff.missing.map(driverKey).join(', ')}` : '',
    diff.extra.length ? `not locked ${diff.extra.map(driverKey).join(', ')}` : '',
    diff.changed.length
      ? `different digest ${diff.changed.map((c) => driverKey(c.locked)).join(', ')}`
      : '',
  ].filter(Boolean);
  throw new ChassisError(
    'CHASSIS_E_LOCK_MISMATCH',
    `Installed drivers differ from the lock: ${parts.join('; ')}`,
    {
      details: {
        missing: diff.missing.map(driverKey),
        extra: diff.extra.map(driverKey),
        changed: diff.changed.map((c) => driverKey(c.locked)),
      },
    },
  );
}
