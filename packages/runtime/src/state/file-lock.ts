import { open, readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError } from '@chassis/kernel';

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
 * An exclusive lock file (`O_CREAT|O_EXCL`) holding the owner's pid. A lock left by a process
 * that died (killed at any point) is detected by its pid and broken, so a crash never wedges
 * the store.
 */
export async function withFileLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      const fh = await open(lockFile, 'wx');
      try {
        await fh.writeFile(String(process.pid));
      } finally {
        await fh.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let text: string;
      try {
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
      // An empty lock file is a writer killed between create and write: stale too.
      if (!Number.isFinite(owner) || !alive(owner)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new ChassisError(
          'CHASSIS_E_STATE_IO',
          `Timed out waiting for state lock ${lockFile} held by pid ${owner}`,
          {
            details: { lockFile, owner },
          },
        );
      }
      await sleep(delay);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockFile, { force: true });
  }
}
