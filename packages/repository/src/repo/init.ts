import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { writeFileAtomic } from './atomic.js';
import { assertKeysOutside, loadOrCreateRoleKeys } from './keys-store.js';
import { CARS_DIR, LATEST_ROOT_FILE, versionedName } from './layout.js';
import { buildRoot, DEFAULT_EXPIRY, type Expiry, expiresAt, metadataBytes } from './metadata.js';
import { latestRootVersion } from './state.js';
import { writeIndex } from './writer.js';

/** Options of {@link initRepository}. */
export interface InitRepositoryOptions {
  /** Where the private role keys live (created when missing); never inside the repository. */
  readonly keysDir: string;
  /** Metadata lifetimes in seconds (defaults: {@link DEFAULT_EXPIRY}). */
  readonly expires?: Partial<Expiry>;
  /** Clock, for tests. */
  readonly now?: Date;
}

/** What {@link initRepository} created. */
export interface InitRepositoryResult {
  /** Path of `1.root.json`: give this file to operators as their trusted root. */
  readonly rootFile: string;
  /** Key ids per role. */
  readonly keyIds: Record<string, string>;
}

/**
 * Creates an empty TUF repository in `dir`: role keys in `keysDir` (Ed25519, reused if already
 * there), `1.root.json`, and empty targets/snapshot/timestamp. Refuses a folder that already
 * holds a repository.
 */
export async function initRepository(
  dir: string,
  options: InitRepositoryOptions,
): Promise<InitRepositoryResult> {
  assertKeysOutside(dir, options.keysDir);
  if ((await latestRootVersion(dir)) > 0) {
    throw new ChassisError('CHASSIS_E_REPO_EXISTS', `A repository already exists in ${dir}`, {
      details: { dir },
    });
  }
  const expiry = { ...DEFAULT_EXPIRY, ...options.expires };
  const now = options.now ?? new Date();
  const keys = await loadOrCreateRoleKeys(options.keysDir);
  await mkdir(join(dir, CARS_DIR), { recursive: true });
  const root = metadataBytes(buildRoot(keys, 1, expiresAt(now, expiry.root)));
  const rootFile = join(dir, versionedName('root', 1));
  await writeFileAtomic(rootFile, root);
  await writeFileAtomic(join(dir, LATEST_ROOT_FILE), root);
  await writeIndex(dir, keys, [], { targets: 1, snapshot: 1, timestamp: 1 }, expiry, now);
  return {
    rootFile,
    keyIds: Object.fromEntries(Object.entries(keys).map(([role, k]) => [role, k.key.keyID])),
  };
}
