import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import {
  Metadata,
  MetadataKind,
  type Root,
  type Snapshot,
  type Targets,
  type Timestamp,
} from '@tufjs/models';
import { TIMESTAMP_FILE, versionedName } from './layout.js';

/** The newest metadata of a repository folder, as its own writer sees it (parsed, unverified). */
export interface RepositoryState {
  readonly root: Metadata<Root>;
  readonly timestamp: Metadata<Timestamp>;
  readonly snapshot: Metadata<Snapshot>;
  readonly targets: Metadata<Targets>;
}

/** The JSON object type @tufjs/models parses from. */
export type TufJson = Parameters<typeof Targets.fromJSON>[0];

async function readJson(file: string): Promise<TufJson> {
  return JSON.parse(await readFile(file, 'utf8')) as TufJson;
}

/**
 * Highest `N` with an `N.root.json` in `dir` (0 when there is none, or no folder). A folder that
 * exists but cannot be listed is `CHASSIS_E_REPO_STATE_UNREADABLE`, never 0: `repo init` would
 * take 0 for "no repository" and write a new root over the real one.
 */
export async function latestRootVersion(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new ChassisError(
      'CHASSIS_E_REPO_STATE_UNREADABLE',
      `Cannot list the repository folder ${dir} (${(err as Error).message}); fix its permissions`,
      { details: { dir }, cause: err },
    );
  }
  let max = 0;
  for (const name of names) {
    const m = /^([1-9][0-9]*)\.root\.json$/.exec(name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/**
 * Reads the newest root, timestamp, snapshot and targets of a repository folder. Used by the
 * writer (to bump versions) and by exports; clients never trust it without TUF verification.
 */
export async function readRepositoryState(dir: string): Promise<RepositoryState> {
  const rootVersion = await latestRootVersion(dir);
  if (rootVersion === 0) {
    throw new ChassisError(
      'CHASSIS_E_REPO_NOT_FOUND',
      `No repository in ${dir} (no 1.root.json); create one with "chassis repo init"`,
      { details: { dir } },
    );
  }
  try {
    const root = Metadata.fromJSON(
      MetadataKind.Root,
      await readJson(join(dir, versionedName('root', rootVersion))),
    );
    const timestamp = Metadata.fromJSON(
      MetadataKind.Timestamp,
      await readJson(join(dir, TIMESTAMP_FILE)),
    );
    const snapshot = Metadata.fromJSON(
      MetadataKind.Snapshot,
      await readJson(join(dir, versionedName('snapshot', timestamp.signed.snapshotMeta.version))),
    );
    const targetsMeta = snapshot.signed.meta['targets.json'];
    if (!targetsMeta) throw new Error('snapshot does not list targets.json');
    const targets = Metadata.fromJSON(
      MetadataKind.Targets,
      await readJson(join(dir, versionedName('targets', targetsMeta.version))),
    );
    return { root, timestamp, snapshot, targets };
  } catch (err) {
    throw new ChassisError(
      'CHASSIS_E_REPO_MIRROR_INCOMPLETE',
      `Repository ${dir} has incomplete or unreadable metadata: ${(err as Error).message}`,
      { details: { dir }, cause: err },
    );
  }
}
