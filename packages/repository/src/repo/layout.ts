import type { RoleName } from '../tuf/keys.js';

/**
 * Repository layout (relative paths, so a repository can be copied or served from anywhere):
 * `N.root.json` (every root version, kept for clients that must walk rotations), `root.json`
 * (a convenience copy of the newest root for operators), `N.targets.json`, `N.snapshot.json`
 * (consistent snapshots), `timestamp.json` (the entry point, written last) and
 * `cars/<sha256>.car` (content-addressed targets). Root says `consistent_snapshot: true`, so
 * every target is also published under its TUF consistent name `cars/<HASH>.<sha256>.car` for
 * each hash in its `hashes` (a hard link, see {@link consistentTargetPaths}): that is the path a
 * standard TUF client downloads. The plain path stays for clients of older Chassis versions.
 */
export const TIMESTAMP_FILE = 'timestamp.json';
/** Convenience copy of the newest root metadata. */
export const LATEST_ROOT_FILE = 'root.json';
/** Folder holding the content-addressed CARs. */
export const CARS_DIR = 'cars';

/** `N.<role>.json`: the consistent-snapshot name of a metadata version. */
export function versionedName(role: Exclude<RoleName, 'timestamp'>, version: number): string {
  return `${version}.${role}.json`;
}

/** The target path (and relative URL) of a CAR with digest `sha256`. */
export function carTargetPath(sha256: string): string {
  return `${CARS_DIR}/${sha256}.car`;
}

/**
 * The TUF consistent-snapshot file names of a target (specification 5.7.3): `<dir>/<HASH>.<name>`
 * for every hash value in `hashes`, in the order the hashes are listed.
 */
export function consistentTargetPaths(
  path: string,
  hashes: Readonly<Record<string, string>>,
): string[] {
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  return Object.values(hashes).map((hash) => `${dir}${hash}.${name}`);
}

const CAR_TARGET = /^cars\/([0-9a-f]{64})\.car$/;

/**
 * Target path of the project CA's signed revocation list, published through the repository so
 * that TUF's rollback and freeze protection cover it (see `publishRevocations`).
 */
export const REVOCATIONS_TARGET = 'revocations.json';

/** A CAR's file name inside `cars/` or the revocation list, plain or hash-prefixed. */
const SERVABLE_TARGET =
  /^(?:cars\/(?:[0-9a-f]{64}\.)?[0-9a-f]{64}\.car|(?:[0-9a-f]{64}\.)?revocations\.json)$/;

/** True for a path a repository serves as a target file (plain or consistent name). */
export function isTargetFileName(path: string): boolean {
  return SERVABLE_TARGET.test(path);
}

/** The digest named by a target path, or `undefined` when the path is not a CAR target. */
export function digestOfTargetPath(path: string): string | undefined {
  return CAR_TARGET.exec(path)?.[1];
}

const METADATA_FILE =
  /^(?:[1-9][0-9]{0,8}\.(?:root|targets|snapshot)\.json|timestamp\.json|root\.json)$/;

/** True for a file name that may appear at the top of a repository as metadata. */
export function isMetadataFileName(name: string): boolean {
  return METADATA_FILE.test(name);
}
