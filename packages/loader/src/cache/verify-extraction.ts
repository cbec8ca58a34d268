import { createHash } from 'node:crypto';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CarArchive } from '@chassis/car';

/** Files of an extraction that the manifest does not list but the CAR format puts there. */
const META = new Set(['META-INF/MANIFEST.MF', 'META-INF/SIGNATURE', 'META-INF/CERT.pem']);

/**
 * Compares an extracted CAR folder with its CAR's MANIFEST digests: every listed file present
 * with its SHA-256, nothing else but the META-INF files and the `node_modules → lib` link.
 * Returns the paths at fault (empty: intact).
 */
export async function extractionProblems(dir: string, archive: CarArchive): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Set<string>();
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path);
      else if (e.isSymbolicLink()) {
        const ok = path === 'node_modules' && (await readlink(join(dir, path))) === 'lib';
        if (!ok) problems.push(path);
      } else if (!e.isFile()) problems.push(path);
      else if (META.has(path)) seen.add(path);
      else {
        seen.add(path);
        const want = archive.manifest.entries.get(path);
        const got = createHash('sha256')
          .update(await readFile(join(dir, path)))
          .digest('base64');
        if (want !== got) problems.push(path);
      }
    }
  };
  await walk('');
  for (const path of archive.manifest.entries.keys()) if (!seen.has(path)) problems.push(path);
  return problems.sort();
}
