import { randomBytes } from 'node:crypto';
import { link, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError } from '@chassis/kernel';

/**
 * How long a lock file without a readable pid is left alone before it is broken. Our own
 * writers never leave one (the file appears with its pid already in it), so only a torn file
 * from an older writer or a foreign tool can be empty; waiting this long means a live writer
 * of any kind is never pre-empted mid-write.
 */
const EMPTY_STALE_MS = 5_000;

/** True when a process with that pid exists on this machine. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates `lockFile` holding our pid, atomically: the pid goes into a private temp file in the
 * same directory, which is then hard-linked into place (`link` fails with `EEXIST` when the lock
 * is held). The lock file therefore never exists empty, so "empty" cannot be mistaken for "dead
 * writer" while a live writer is between create and write. False when the lock is held.
 */
async function tryCreate(lockFile: string): Promise<boolean> {
  const tmp = `${lockFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, String(process.pid), { flag: 'wx' });
  try {
    await link(tmp, lockFile);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    // The lock (if we got it) lives on under its own name; the temp name is only scaffolding.
    await rm(tmp, { force: true });
  }
}

/**
 * An exclusive lock file holding the owner's pid, created atomically (see {@link tryCreate}).
 * A lock left by a process that died (killed at any point) is detected by its pid and broken,
 * so a crash never wedges the store. A lock file without a pid is broken only once it is older
 * than {@link EMPTY_STALE_MS}.
 */
export async function withFileLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    if (await tryCreate(lockFile)) break;
    let text: string;
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(lockFile)).mtimeMs;
      text = await readFile(lockFile, 'utf8');
    } catch (cause) {
      // Released between our create and our read: try to take it again.
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') continue;
      // Anything else is not "no owner": breaking a lock we cannot read could let two in.
      throw new ChassisError(
        'CHASSIS_E_STATE_IO',
        `Cannot read state lock ${lockFile} (${(cause as Error).message}); remove it if no server is running`,
        { details: { lockFile }, cause },
      );
    }
    const owner = Number.parseInt(text, 10);
    const known = Number.isFinite(owner);
    // A dead owner is stale at once; a file without a pid only after the grace period.
    if (known ? !alive(owner) : Date.now() - mtimeMs > EMPTY_STALE_MS) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new ChassisError(
        'CHASSIS_E_STATE_IO',
        known
          ? `Timed out waiting for state lock ${lockFile} held by pid ${owner}`
          : `Timed out waiting for state lock ${lockFile} (no owner recorded yet); remove it if no server is running`,
        { details: { lockFile, ...(known ? { owner } : {}) } },
      );
    }
    await sleep(delay);
  }
  try {
    return await fn();
  } finally {
    await rm(lockFile, { force: true });
  }
}
