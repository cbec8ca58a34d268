import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, serializeError } from '@chassis/kernel';
import type { CarCache } from '@chassis/loader';
import type { DriverManager } from '../manager/driver-manager.js';

/**
 * Empties and recreates `<dataDir>/uploads`, where the admin server streams CAR uploads. Safe
 * at start: the caller holds the data-directory lock, so nothing in there belongs to a live
 * upload; whatever is left was cut off by a crash (`kill -9`). Returns the folder.
 */
export async function sweepUploads(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'uploads');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * Removes extracted CARs that no installed or loaded version refers to (an uninstalled version,
 * a refused install or upload, a crash between extraction and install). Never rejects: a
 * failed clean-up is logged and retried at the next call.
 */
export async function collectCache(
  cache: CarCache,
  manager: DriverManager,
  logger: Logger,
): Promise<void> {
  const keep = new Set<string>();
  for (const inst of manager.drivers.values()) {
    for (const v of inst.record.versions) keep.add(v.sha256);
    for (const v of inst.loaded.values()) keep.add(v.sha256);
  }
  try {
    await cache.gc(keep);
  } catch (err) {
    logger.warn({ err: serializeError(err) }, 'CAR cache clean-up failed');
  }
}
