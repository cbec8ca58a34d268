import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type PackResult, packCar } from '@chassis/car';
import { DEFAULT_REPOSITORY_DIR, DRIVERS_DIR, PACKAGE_DIR } from './paths.js';

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Packs every driver project of `driversDir` (a folder with a `driver.yaml`) into
 * `<outDir>/<id>-<version>.car`, with its production dependencies bundled into `lib/`, as
 * `chassis car pack . --bundle-deps` does. `outDir` is emptied first, so a version that is no
 * longer built does not linger in the repository.
 */
export async function packRepository(
  driversDir: string = DRIVERS_DIR,
  outDir: string = DEFAULT_REPOSITORY_DIR,
): Promise<PackResult[]> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const results: PackResult[] = [];
  const names = (await readdir(driversDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const name of names) {
    const dir = join(driversDir, name);
    if (!(await exists(join(dir, 'driver.yaml')))) continue;
    // Packed under a temporary name first: the final name needs the descriptor's id and version.
    const tmp = join(outDir, `.${name}.car`);
    const packed = await packCar(dir, { out: tmp, bundleDependencies: true });
    const out = join(outDir, `${packed.descriptor.id}-${packed.descriptor.version}.car`);
    await rename(tmp, out);
    results.push({ ...packed, file: out });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await packRepository();
  for (const r of results) {
    console.log(
      `packed ${r.descriptor.id}@${r.descriptor.version} → ${relative(PACKAGE_DIR, r.file)}`,
    );
  }
}
