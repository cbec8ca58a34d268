import { link, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { copyFileAtomic, tempPathFor } from './atomic.js';
import { digestFile } from './digest.js';
import { consistentTargetPaths } from './layout.js';

/** Link errors after which a copy is the only way (no hard links on this filesystem). */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK']);

/** A copy (no hard links here) already holding the target's bytes is kept. */
async function sameContent(file: string, size: number, target: PublishedTarget): Promise<boolean> {
  if (size !== target.length || target.hashes.sha256 === undefined) return false;
  return (await digestFile(file)).sha256 === target.hashes.sha256;
}

/** What {@link publishConsistentNames} needs of a target (a TUF `TargetFile` or a driver entry). */
export interface PublishedTarget {
  readonly path: string;
  readonly length: number;
  readonly hashes: Readonly<Record<string, string>>;
}

/**
 * Publishes a target file under every TUF consistent name (`<dir>/<HASH>.<name>`, one per hash)
 * beside its plain path `dir/<target.path>`: a hard link (no extra space) when the filesystem
 * allows it, else an atomic copy. Each name appears atomically (temp link, then rename), and a
 * name already there with the same inode or size is kept, so re-indexing is cheap. Called before
 * the metadata naming the target is written: a client never sees a target it cannot fetch.
 */
export async function publishConsistentNames(dir: string, target: PublishedTarget): Promise<void> {
  const source = join(dir, target.path);
  const src = await stat(source);
  for (const path of consistentTargetPaths(target.path, target.hashes)) {
    const file = join(dir, path);
    const have = await stat(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (have && (have.ino === src.ino || (await sameContent(file, have.size, target)))) continue;
    const tmp = tempPathFor(file);
    try {
      await link(source, tmp);
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      if (!NO_LINK.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await copyFileAtomic(source, file);
    }
  }
}
