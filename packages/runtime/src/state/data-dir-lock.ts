import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ChassisError, toChassisError } from '@chassis/kernel';
import lockfile from 'proper-lockfile';
import { processAlive } from './file-lock.js';

/** Who holds a data directory: written beside the lock by its holder. */
export interface DataDirHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

/** A held data-directory lock. */
export interface DataDirLock {
  readonly holder: DataDirHolder;
  /** Releases the lock (idempotent). */
  release(): Promise<void>;
}

/** Options of {@link lockDataDir}. */
export interface DataDirLockOptions {
  /** A lock not refreshed for this long is stale and may be taken over (default 10 s). */
  readonly staleMs?: number;
  /** Called when the lock was lost while held (its mtime could not be refreshed, or it was removed). */
  readonly onCompromised?: (err: ChassisError) => void;
}

const LOCK = 'server.lock';
const OWNER = 'server.owner.json';

async function readHolder(dir: string): Promise<DataDirHolder | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, OWNER), 'utf8')) as DataDirHolder;
  } catch (err) {
    // Absent (holder killed before writing it) or torn: the holder is unknown, not an error.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError)
      return undefined;
    throw err;
  }
}

/**
 * Takes the one-server lock on a data directory, before anything else touches it. The lock is
 * a proper-lockfile lock (an atomic `mkdir` whose mtime the holder refreshes every `staleMs/2`),
 * plus `server.owner.json` naming the holder. A second server is refused with
 * `CHASSIS_E_STATE_DIR_LOCKED` (details: the holder's pid, host and start time). A lock left
 * by a `kill -9` is taken over at once when its holder ran on this host and its pid is gone,
 * else once it has not been refreshed for `staleMs`.
 */
export async function lockDataDir(
  dir: string,
  options: DataDirLockOptions = {},
): Promise<DataDirLock> {
  const staleMs = options.staleMs ?? 10_000;
  const lockfilePath = join(dir, LOCK);
  const take = () =>
    lockfile.lock(dir, {
      lockfilePath,
      realpath: false,
      stale: staleMs,
      update: Math.max(1000, Math.floor(staleMs / 2)),
      retries: 0,
      onCompromised: (err) =>
        options.onCompromised?.(toChassisError(err, 'CHASSIS_E_STATE_DIR_LOCKED')),
    });
  let unlock: () => Promise<void>;
  try {
    unlock = await take();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const holder = await readHolder(dir);
    if (!holder || holder.host !== hostname() || processAlive(holder.pid)) {
      throw new ChassisError(
        'CHASSIS_E_STATE_DIR_LOCKED',
        holder
          ? `Data directory ${dir} is in use by the server with pid ${holder.pid} on ${holder.host} (started ${holder.startedAt}); stop it or choose another data directory`
          : `Data directory ${dir} is locked by another server that is starting; stop it or choose another data directory`,
        { details: { dataDir: dir, lockFile: lockfilePath, ...(holder ? { holder } : {}) } },
      );
    }
    // The holder ran here and its process is gone (kill -9): the lock is ours to take. A
    // server racing us for it wins or loses atomically at the `mkdir` in `take`.
    await rm(lockfilePath, { recursive: true, force: true });
    try {
      unlock = await take();
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'ELOCKED') throw again;
      throw new ChassisError(
        'CHASSIS_E_STATE_DIR_LOCKED',
        `Data directory ${dir} was taken over by another server starting at the same time; stop it or choose another data directory`,
        { details: { dataDir: dir, lockFile: lockfilePath } },
      );
    }
  }
  const holder: DataDirHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  await writeFile(join(dir, OWNER), JSON.stringify(holder));
  let released = false;
  return {
    holder,
    async release() {
      if (released) return;
      released = true;
      await rm(join(dir, OWNER), { force: true });
      await unlock();
    },
  };
}
