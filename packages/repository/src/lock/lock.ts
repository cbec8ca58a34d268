import { readFile } from 'node:fs/promises';
import { ChassisError, driverKey } from '@chassis/kernel';
import { writeFileAtomic } from '../repo/atomic.js';

/** One installed driver version, pinned by digest. */
export interface LockedDriver {
  readonly id: string;
  readonly version: string;
  /** SHA-256 (hex) of the CAR. */
  readonly sha256: string;
  /** Where it came from (repository URL), informational. */
  readonly source?: string;
}

/** The install lock: exactly which CARs a server runs, so another server can reproduce it. */
export interface InstallLock {
  readonly lockVersion: 1;
  readonly drivers: readonly LockedDriver[];
}

const SHA256 = /^[0-9a-f]{64}$/;

function compare(a: LockedDriver, b: LockedDriver): number {
  return a.id < b.id
    ? -1
    : a.id > b.id
      ? 1
      : a.version < b.version
        ? -1
        : a.version > b.version
          ? 1
          : 0;
}

/** A lock listing `drivers`, sorted by id then version (stable, diff-friendly). */
export function createLock(drivers: readonly LockedDriver[]): InstallLock {
  return {
    lockVersion: 1,
    drivers: [...drivers].sort(compare).map((d) => ({
      id: d.id,
      version: d.version,
      sha256: d.sha256,
      ...(d.source === undefined ? {} : { source: d.source }),
    })),
  };
}

/** Validates parsed JSON as an {@link InstallLock}; `where` names the file in errors. */
export function parseLock(data: unknown, where = 'lock'): InstallLock {
  const fail = (why: string) =>
    new ChassisError('CHASSIS_E_LOCK_INVALID', `${where}: ${why}`, { details: { file: where } });
  const obj = data as { lockVersion?: unknown; drivers?: unknown } | null;
  if (typeof obj !== 'object' || obj === null) throw fail('not a JSON object');
  if (obj.lockVersion !== 1)
    throw fail(`unsupported lockVersion ${JSON.stringify(obj.lockVersion)} (expected 1)`);
  if (!Array.isArray(obj.drivers)) throw fail('drivers must be an array');
  const seen = new Set<string>();
  const drivers = obj.drivers.map((raw, i) => {
    const d = raw as Record<string, unknown>;
    if (typeof d?.id !== 'string' || !d.id)
      throw fail(`drivers[${i}].id must be a non-empty string`);
    if (typeof d.version !== 'string' || !d.version)
      throw fail(`drivers[${i}].version must be a string`);
    if (typeof d.sha256 !== 'string' || !SHA256.test(d.sha256))
      throw fail(`drivers[${i}].sha256 must be 64 hex digits`);
    if (d.source !== undefined && typeof d.source !== 'string')
      throw fail(`drivers[${i}].source must be a string`);
    const key = driverKey({ id: d.id, version: d.version });
    if (seen.has(key)) throw fail(`${key} is listed twice`);
    seen.add(key);
    return {
      id: d.id,
      version: d.version,
      sha256: d.sha256,
      ...(d.source === undefined ? {} : { source: d.source as string }),
    };
  });
  return createLock(drivers);
}

/** Reads and validates a lock file. */
export async function readLock(file: string): Promise<InstallLock> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ChassisError('CHASSIS_E_LOCK_INVALID', `Cannot read lock file ${file}`, {
      details: { file },
      cause: err,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ChassisError('CHASSIS_E_LOCK_INVALID', `${file} is not JSON`, {
      details: { file },
      cause: err,
    });
  }
  return parseLock(data, file);
}

/** Writes a lock file atomically, sorted, with a trailing newline. */
export async function writeLock(file: string, lock: InstallLock): Promise<void> {
  const normal = createLock(parseLock(lock).drivers);
  await writeFileAtomic(file, `${JSON.stringify(normal, null, 2)}\n`);
}
