import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { verifyRevocationList } from '../ca/revocation-format.js';
import { writeFileAtomic } from './atomic.js';
import { type IndexRepositoryOptions, type IndexResult, reindex } from './index-repository.js';
import { assertKeysOutside, loadRoleKeys } from './keys-store.js';
import { REVOCATIONS_TARGET } from './layout.js';
import {
  parseRevocationList,
  type RevocationsTargetCustom,
  revocationsTarget,
} from './revocations-target.js';

/** Options of {@link publishRevocations}. */
export interface PublishRevocationsOptions extends IndexRepositoryOptions {
  /** The project CA certificate: when given, the list must verify with it before it is published. */
  readonly caPem?: string;
}

/**
 * Publishes the CA's signed revocation list (`listFile`, e.g. the CA folder's `revocations.json`)
 * as the repository target `revocations.json` and re-signs the metadata. Servers fetch it with
 * every refresh, so TUF covers it against rollback and freeze. A version lower than the one
 * published is refused (`CHASSIS_E_REPO_ROLLBACK`); a list that is not one, or does not verify
 * with `caPem`, is `CHASSIS_E_CA_REVOCATIONS_INVALID`.
 */
export async function publishRevocations(
  repoDir: string,
  listFile: string,
  options: PublishRevocationsOptions,
): Promise<IndexResult & { readonly revocationsVersion: number }> {
  assertKeysOutside(repoDir, options.keysDir);
  const keys = await loadRoleKeys(options.keysDir);
  const text = await readFile(listFile, 'utf8');
  const list = parseRevocationList(text, listFile);
  if (options.caPem) verifyRevocationList(options.caPem, text);
  const current = await revocationsTarget(repoDir);
  const published = (current?.custom.chassis as { revocations?: RevocationsTargetCustom })
    ?.revocations?.version;
  if (published !== undefined && list.signed.version < published) {
    throw new ChassisError(
      'CHASSIS_E_REPO_ROLLBACK',
      `${listFile} is revocation list version ${list.signed.version}, older than the published version ${published}`,
      { details: { file: listFile, version: list.signed.version, published } },
    );
  }
  await writeFileAtomic(join(repoDir, REVOCATIONS_TARGET), text);
  const result = await reindex(repoDir, keys, options);
  return { ...result, revocationsVersion: list.signed.version };
}
