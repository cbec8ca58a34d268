import { join } from 'node:path';
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
