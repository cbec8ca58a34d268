import { join } from 'node:path';
import { generateRoleKey, type RoleName } from '../tuf/keys.js';
import { writeFileAtomic } from './atomic.js';
import { type IndexRepositoryOptions, type IndexResult, reindex } from './index-repository.js';
import {
  archiveRoleKey,
  assertKeysOutside,
  loadRoleKeys,
  type RoleKeys,
  saveRoleKey,
} from './keys-store.js';
import { LATEST_ROOT_FILE, versionedName } from './layout.js';
import { buildRoot, DEFAULT_EXPIRY, expiresAt, metadataBytes } from './metadata.js';
import { readRepositoryState } from './state.js';

/** Options of {@link rotateRootKey}. */
export interface RotateOptions extends IndexRepositoryOptions {
  /** Roles whose key is replaced (default: `['root']`). */
  readonly roles?: readonly RoleName[];
}

/** Result of a rotation: the new root version plus the re-index it triggered. */
export interface RotateResult extends IndexResult {
  readonly rootVersion: number;
}

/**
 * Replaces role keys (the root key by default): writes root `N+1` naming the new keys, signed
 * by the old root key (so clients trusting `N` accept it) and by the new one (so it is
 * self-consistent), archives the old keys as `<role>.v<N>.pem`, then re-signs targets,
 * snapshot and timestamp with the current keys.
 */
export async function rotateRootKey(
  repoDir: string,
  options: RotateOptions,
): Promise<RotateResult> {
  assertKeysOutside(repoDir, options.keysDir);
  const keys = await loadRoleKeys(options.keysDir);
  const state = await readRepositoryState(repoDir);
  const version = state.root.signed.version + 1;
  const roles = options.roles ?? ['root'];
  const next: RoleKeys = { ...keys };
  for (const role of roles) next[role] = generateRoleKey();
  const extra = roles.includes('root') ? [keys.root] : [];
  const expiry = { ...DEFAULT_EXPIRY, ...options.expires };
  const now = options.now ?? new Date();
  const root = metadataBytes(buildRoot(next, version, expiresAt(now, expiry.root), extra));
  for (const role of roles) {
    await archiveRoleKey(options.keysDir, role, version - 1);
    await saveRoleKey(options.keysDir, role, next[role]);
  }
  await writeFileAtomic(join(repoDir, versionedName('root', version)), root);
  await writeFileAtomic(join(repoDir, LATEST_ROOT_FILE), root);
  return { rootVersion: version, ...(await reindex(repoDir, next, options)) };
}
