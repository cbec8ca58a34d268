import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ChassisError } from '@chassis/kernel';

/** Codes meaning "nothing is there": the file, or a folder on its path, does not exist. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

/**
 * `stat(file)`, or `undefined` when the file is absent (`ENOENT`/`ENOTDIR`). Any other failure
 * (permissions, a symlink loop, I/O) is `CHASSIS_E_REPO_STATE_UNREADABLE` naming the file:
 * calling it "missing" would make a mirror re-fetch over it or a server answer 404 for a file
 * that is there but broken.
 */
export async function statIfPresent(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (err) {
    if (ABSENT.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw new ChassisError(
      'CHASSIS_E_REPO_STATE_UNREADABLE',
      `Cannot check ${file} (${(err as Error).message}); fix or remove it`,
      { details: { file }, cause: err },
    );
  }
}
