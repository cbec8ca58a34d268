import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Creates a fresh scratch folder for one driver environment under `root` (the runtime's
 * `<dataDir>/scratch`, else the OS temp folder). Mode 0700: only the server's user.
 */
export async function createScratchDir(
  root: string | undefined,
  driverId: string,
): Promise<string> {
  const base = root ?? join(tmpdir(), 'chassis-scratch');
  await mkdir(base, { recursive: true, mode: 0o700 });
  return mkdtemp(join(base, `${driverId.replace(/[^A-Za-z0-9._-]/g, '_')}-`));
}

/** Removes a scratch folder and everything the driver left in it. */
export function removeScratchDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
