import type { RoleName } from '../tuf/keys.js';

/**
 * Repository layout (relative paths, so a repository can be copied or served from anywhere):
 * `N.root.json` (every root version, kept for clients that must walk rotations), `root.json`
 * (a convenience copy of the newest root for operators), `N.targets.json`, `N.snapshot.json`
 * (consistent snapshots), `timestamp.json` (the entry point, written last) and
 * `cars/<sha256>.car` (content-addressed targets).
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

const CAR_TARGET = /^cars\/([0-9a-f]{64})\.car$/;

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
