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

/**
 * True when a process with that pid exists on this machine (signal 0 sends nothing). EPERM
 * means it exists but belongs to someone else. Shared by both of the runtime's locks.
 */
export function processAlive(pid: number): boolean {
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

/** What a lock file says about its holder; `undefined` when it has just been released. */
interface Holder {
  /** The recorded pid, when there is one. */
  readonly owner?: number;
  /** True when the holder is gone: its pid is dead, or it recorded none long ago. */
  readonly stale: boolean;
}

async function inspect(lockFile: string): Promise<Holder | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(lockFile)).mtimeMs;
    text = await readFile(lockFile, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Anything else is not "no owner": breaking a lock we cannot read could let two in.
    throw new ChassisError(
      'CHASSIS_E_STATE_IO',
      `Cannot read state lock ${lockFile} (${(cause as Error).message}); remove it if no server is running`,
      { details: { lockFile }, cause },
    );
  }
  const owner = Number.parseInt(text, 10);
  if (Number.isFinite(owner)) return { owner, stale: !processAlive(owner) };
  return { stale: Date.now() - mtimeMs > EMPTY_STALE_MS };
}

/**
 * Removes a stale lock, one breaker at a time: without that, two acquirers that both saw the
 * dead pid could each delete in turn, the second deleting the lock the first had just taken.
 * The breaker holds `<lock>.break` (created like the lock) and judges the lock again under it,
 * so what it deletes is the stale file it judged (nobody else can delete or replace it).
 */
async function breakStale(lockFile: string): Promise<void> {
  const breaker = `${lockFile}.break`;
  if (!(await tryCreate(breaker))) {
    // Someone else is breaking it. Only a breaker killed mid-break leaves this behind.
    if ((await inspect(breaker))?.stale) await rm(breaker, { force: true });
    return;
  }
  try {
    if ((await inspect(lockFile))?.stale) await rm(lockFile, { force: true });
  } finally {
    await rm(breaker, { force: true });
  }
}

/**
 * An exclusive lock file holding the owner's pid, created atomically (see {@link tryCreate}).
 * A lock left by a process that died (killed at any point) is detected by its pid and broken
 * (see {@link breakStale}), so a crash never wedges the store. A lock file without a pid is
 * broken only once it is older than {@link EMPTY_STALE_MS}.
 */
export async function withFileLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    if (await tryCreate(lockFile)) break;
    const holder = await inspect(lockFile);
    // Released between our create and our read: try to take it again.
    if (!holder) continue;
    if (holder.stale) {
      await breakStale(lockFile);
      continue;
    }
    if (Date.now() > deadline) {
      const { owner } = holder;
      throw new ChassisError(
        'CHASSIS_E_STATE_IO',
        owner !== undefined
          ? `Timed out waiting for state lock ${lockFile} held by pid ${owner}`
          : `Timed out waiting for state lock ${lockFile} (no owner recorded yet); remove it if no server is running`,
        { details: { lockFile, ...(owner !== undefined ? { owner } : {}) } },
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
