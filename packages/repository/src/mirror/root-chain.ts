import { ChassisError } from '@chassis/kernel';
import { Metadata, MetadataKind, type Root } from '@tufjs/models';
import type { TufJson } from '../repo/state.js';

function parseRoot(bytes: Uint8Array, version: number): Metadata<Root> {
  const md = Metadata.fromJSON(
    MetadataKind.Root,
    JSON.parse(Buffer.from(bytes).toString('utf8')) as TufJson,
  );
  if (md.signed.version !== version)
    throw new Error(`${version}.root.json holds version ${md.signed.version}`);
  return md;
}

/**
 * Checks that root versions `1..N` form a valid rotation chain (each signed by its
 * predecessor's root keys and by its own) ending in `latest`, the root the TUF client already
 * verified. A mirror copies old roots so that clients pinned to any of them can catch up.
 */
export function verifyRootChain(roots: readonly Uint8Array[], latest: Uint8Array): void {
  try {
    let previous: Metadata<Root> | undefined;
    roots.forEach((bytes, i) => {
      const md = parseRoot(bytes, i + 1);
      (previous ?? md).verifyDelegate('root', md);
      md.verifyDelegate('root', md);
      previous = md;
    });
    if (!previous || !Buffer.from(roots[roots.length - 1]!).equals(Buffer.from(latest))) {
      throw new Error('the newest root does not match the verified one');
    }
  } catch (err) {
    throw new ChassisError(
      'CHASSIS_E_REPO_METADATA_INVALID',
      `The repository's root history does not verify: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
