import { join } from 'node:path';
import type { TargetFile } from '@tufjs/models';
import { writeFileAtomic } from './atomic.js';
import type { RoleKeys } from './keys-store.js';
import { TIMESTAMP_FILE, versionedName } from './layout.js';
import {
  buildSnapshot,
  buildTargets,
  buildTimestamp,
  type Expiry,
  expiresAt,
  metadataBytes,
} from './metadata.js';

/** Versions of the next targets/snapshot/timestamp to write. */
export interface IndexVersions {
  readonly targets: number;
  readonly snapshot: number;
  readonly timestamp: number;
}

/**
 * Signs and writes targets, then snapshot, then `timestamp.json` (each atomically). The
 * timestamp is the clients' entry point, so until it is replaced they keep seeing the
 * previous, complete set.
 */
export async function writeIndex(
  dir: string,
  keys: RoleKeys,
  targets: readonly TargetFile[],
  versions: IndexVersions,
  expiry: Expiry,
  now: Date,
): Promise<void> {
  const t = buildTargets(keys, versions.targets, expiresAt(now, expiry.targets), targets);
  await writeFileAtomic(join(dir, versionedName('targets', versions.targets)), metadataBytes(t));
  const s = buildSnapshot(
    keys,
    versions.snapshot,
    expiresAt(now, expiry.snapshot),
    versions.targets,
  );
  await writeFileAtomic(join(dir, versionedName('snapshot', versions.snapshot)), metadataBytes(s));
  const ts = buildTimestamp(
    keys,
    versions.timestamp,
    expiresAt(now, expiry.timestamp),
    versions.snapshot,
  );
  await writeFileAtomic(join(dir, TIMESTAMP_FILE), metadataBytes(ts));
}
