import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { ChassisError } from '@chassis/kernel';

/** How deep a folder walk goes before it stops (guards against symlink loops). */
const MAX_DEPTH = 64;

/**
 * Every regular file under `root`, keyed by its `/`-separated path relative to `root` and
 * prefixed with `prefix`. Symbolic links to files are followed (a CAR stores their content);
 * folders named in `skipDirs` are left out.
 */
export async function readTree(
  root: string,
  prefix: string,
  options: { skipDirs?: ReadonlySet<string> } = {},
): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    const items = await fs.readdir(dir, { withFileTypes: true });
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const item of items) {
      const full = path.join(dir, item.name);
      const relPath = `${rel}${item.name}`;
      let isDir = item.isDirectory();
      let isFile = item.isFile();
      if (item.isSymbolicLink()) {
        // A dangling link is skipped like any other non-file; an unreadable target is an error.
        const s = await statIfPresent(full);
        isDir = s?.isDirectory() ?? false;
        isFile = s?.isFile() ?? false;
      }
      if (isDir) {
        if (!options.skipDirs?.has(item.name)) await walk(full, `${relPath}/`, depth + 1);
      } else if (isFile) {
        out.set(`${prefix}${relPath}`, await fs.readFile(full));
      }
    }
  };
  await walk(root, '', 0);
  return out;
}

/** True when `p` is an existing folder. */
export async function isDirectory(p: string): Promise<boolean> {
  return (await statIfPresent(p))?.isDirectory() ?? false;
}

/** The file's bytes, or `undefined` when it does not exist. */
export async function readOptional(p: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(p);
  } catch (err) {
    if (isAbsent(err)) return undefined;
    throw unreadable(p, err);
  }
}

/**
 * `stat`, or `undefined` when nothing is there (`ENOENT`, or a file where a folder was
 * expected). Anything else (permissions, I/O) is `CHASSIS_E_CAR_FILE_UNREADABLE`: a pack must
 * not silently leave out a file it cannot read.
 */
export async function statIfPresent(p: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    if (isAbsent(err)) return undefined;
    throw unreadable(p, err);
  }
}

function isAbsent(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** `CHASSIS_E_CAR_FILE_UNREADABLE` naming the file and why. */
export function unreadable(file: string, cause: unknown): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CAR_FILE_UNREADABLE',
    `${file} exists but cannot be read (${(cause as Error).message}); fix its permissions`,
    { details: { file }, cause },
  );
}
