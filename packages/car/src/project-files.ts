import { promises as fs } from 'node:fs';
import path from 'node:path';

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
        const s = await fs.stat(full).catch(() => undefined);
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
  return (await fs.stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/** The file's bytes, or `undefined` when it does not exist. */
export async function readOptional(p: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
