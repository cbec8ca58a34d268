import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import {
  createLock,
  type InstallLock,
  type LockedDriver,
  readLock,
  verifyLock,
  writeLock,
} from '@chassis/repository';
import type { ManagementRuntime } from '@chassis/runtime';

/** The install lock a server keeps in its data directory. */
export const LOCK_FILE_NAME = 'chassis.lock';

/** Where the install lock of `dataDir` lives. */
export function lockFileOf(dataDir: string): string {
  return join(dataDir, LOCK_FILE_NAME);
}

/** Every installed version of every driver (id, version, CAR digest): what a lock pins. */
export function installedVersions(runtime: ManagementRuntime): LockedDriver[] {
  return runtime
    .listDrivers()
    .flatMap((d) => d.versions.map((v) => ({ id: d.id, version: v.version, sha256: v.sha256 })));
}

/**
 * The installed versions this server will actually run: {@link installedVersions} without the
 * `Unloaded` ones, except those it set aside by choice. A cluster member lists every version of
 * the cluster, also those its own trust check refused (they end `Unloaded` there: missing). A
 * version it retired (not needed here: neither active nor bound, e.g. skipped at boot or
 * unloaded by a commit) is counted: it loads it again once it becomes active or bound. On a
 * single server a refused CAR is never installed, so this is what a lock check there sees too.
 */
export function runnableVersions(runtime: ManagementRuntime): LockedDriver[] {
  return runtime
    .listDrivers()
    .flatMap((d) =>
      d.versions
        .filter((v) => v.state !== 'Unloaded' || runtime.isRetired(d.id, v.version))
        .map((v) => ({ id: d.id, version: v.version, sha256: v.sha256 })),
    );
}

/**
 * Keeps `<dataDir>/chassis.lock` equal to the installed set. Writes are serialized (each one
 * atomic), so the file always shows a complete set, the last one last. Nothing is written until
 * {@link LockWriter.enable}: a start that refuses a mismatching lock must not overwrite it.
 */
export class LockWriter {
  #latest: readonly LockedDriver[] | undefined;
  #enabled = false;
  #chain: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** Records the installed set (the server's `onInstalledChange`); written once enabled. */
  update(installed: readonly LockedDriver[]): Promise<void> {
    this.#latest = installed;
    return this.#enabled ? this.#write() : Promise.resolve();
  }

  /** Starts writing, beginning with `installed` (the set after start-up). */
  enable(installed: readonly LockedDriver[]): Promise<void> {
    this.#latest = installed;
    this.#enabled = true;
    return this.#write();
  }

  /** Resolves when every write requested so far is on disk. */
  flushed(): Promise<void> {
    return this.#chain.catch(() => {});
  }

  #write(): Promise<void> {
    // A failed write must not block later ones; the caller sees (and logs) its own failure.
    const next = this.#chain
      .catch(() => {})
      .then(() => {
        const lock: InstallLock = createLock(this.#latest ?? []);
        return writeLock(this.file, lock);
      });
    this.#chain = next;
    return next;
  }
}

/**
 * Reads an install lock (`CHASSIS_E_LOCK_INVALID` when unreadable or malformed) and returns a
 * check that throws `CHASSIS_E_LOCK_MISMATCH` (with the diff in `details`) unless the installed
 * set matches it. Read before the server starts, so the file is judged as the operator gave it.
 */
export async function loadLockCheck(
  file: string,
): Promise<{ lock: InstallLock; check(installed: readonly LockedDriver[]): void }> {
  const lock = await readLock(file);
  return { lock, check: (installed) => verifyLock(lock, installed) };
}

/**
 * The install lock check of a cluster member: the lock must match the cluster's installed set
 * (the shared `drivers/` records: what any member installed) and then what this member runs
 * after converging, as on a single server. `CHASSIS_E_LOCK_MISMATCH` says which of the two
 * differs (`details.scope`: `cluster` or `member`, with the member's id) and the diff.
 */
export function verifyClusterLock(
  lock: InstallLock,
  shared: readonly LockedDriver[],
  local: readonly LockedDriver[],
  memberId: string,
): void {
  scoped(
    () => verifyLock(lock, shared),
    'cluster',
    memberId,
    (m) => `The cluster's installed set differs from the lock: ${m}`,
  );
  scoped(
    () => verifyLock(lock, local),
    'member',
    memberId,
    (m) =>
      `The cluster's installed set matches the lock, but member ${memberId} does not run it: ${m}. Check this member's trust and confinement configuration`,
  );
}

function scoped(
  check: () => void,
  scope: 'cluster' | 'member',
  memberId: string,
  message: (mismatch: string) => string,
): void {
  try {
    check();
  } catch (err) {
    if (!ChassisError.is(err, 'CHASSIS_E_LOCK_MISMATCH')) throw err;
    const mismatch = err.message.replace(/^Installed drivers differ from the lock: /, '');
    throw new ChassisError('CHASSIS_E_LOCK_MISMATCH', message(mismatch), {
      details: { ...err.details, scope, member: memberId },
    });
  }
}
