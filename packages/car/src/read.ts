import { randomBytes } from 'node:crypto';
import { type Dirent, promises as fs } from 'node:fs';
import path from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { buildArchive, type CarArchive } from './archive.js';
import { type ReadCarOptions, resolveLimits } from './limits.js';
import { comparePaths } from './manifest.js';
import { readSafeZip, type SafeZip } from './zip-reader.js';

async function load(
  file: string,
  options?: ReadCarOptions,
): Promise<{ zip: SafeZip; car: CarArchive }> {
  const limits = resolveLimits(options?.limits);
  const zip = await readSafeZip(file, limits);
  return { zip, car: buildArchive(file, zip, limits) };
}

/**
 * Reads and fully checks a CAR (zip safety, MANIFEST.MF, driver.yaml, entry module, messages)
 * without writing anything to disk. Throws a typed `ChassisError` naming the file or field.
 */
export async function readCar(file: string, options?: ReadCarOptions): Promise<CarArchive> {
  return (await load(file, options)).car;
}

/** Same as {@link readCar}; the name says what the caller means (a gate before trusting a CAR). */
export async function verifyCar(file: string, options?: ReadCarOptions): Promise<CarArchive> {
  return readCar(file, options);
}

/**
 * The raw file entries of a CAR that passed every check of {@link readCar}, sorted by path:
 * what a signing tool re-packs with `META-INF/SIGNATURE` and `META-INF/CERT.pem` added.
 */
export async function readCarEntries(
  file: string,
  options?: ReadCarOptions,
): Promise<Map<string, Buffer>> {
  const { zip } = await load(file, options);
  return new Map(
    [...zip.entries].sort((a, b) => comparePaths(a.path, b.path)).map((e) => [e.path, e.data]),
  );
}

/**
 * Verifies a CAR completely, then writes it into a fresh sibling of `destDir` and renames that
 * into place, so `destDir` appears whole or not at all. `destDir` must not exist or be empty
 * (`CHASSIS_E_CAR_EXTRACT_DEST_EXISTS` otherwise). Nothing is left behind on failure.
 */
export async function extractCar(
  file: string,
  destDir: string,
  options?: ReadCarOptions,
): Promise<CarArchive> {
  const { zip, car } = await load(file, options);
  const dest = path.resolve(destDir);
  await assertFreeDestination(dest);
  const temp = path.join(
    path.dirname(dest),
    `.${path.basename(dest)}.tmp-${randomBytes(6).toString('hex')}`,
  );
  try {
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.mkdir(temp);
    const dirs = new Set<string>();
    for (const e of zip.entries) {
      const dir = path.posix.dirname(e.path);
      if (dir !== '.') dirs.add(dir);
    }
    // Only leaves need mkdir -p; parents come along.
    const leaves = [...dirs].filter((d) => ![...dirs].some((o) => o.startsWith(`${d}/`)));
    await Promise.all(leaves.map((d) => fs.mkdir(path.join(temp, d), { recursive: true })));
    await pool(zip.entries, 16, (e) =>
      fs.writeFile(path.join(temp, e.path), e.data, { flag: 'wx', mode: 0o644 }),
    );
    await fs.rmdir(dest).catch(() => undefined);
    await fs.rename(temp, dest);
  } catch (cause) {
    await fs.rm(temp, { recursive: true, force: true });
    if (ChassisError.is(cause)) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw destExists(dest, cause);
    }
    throw cause;
  }
  return car;
}

async function assertFreeDestination(dest: string): Promise<void> {
  let listing: Dirent[] | undefined;
  try {
    listing = await fs.readdir(dest, { withFileTypes: true });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw destExists(dest, cause);
  }
  if (listing.length > 0) throw destExists(dest);
}

function destExists(dest: string, cause?: unknown): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CAR_EXTRACT_DEST_EXISTS',
    `Cannot extract into ${dest}: it exists and is not an empty folder; choose a fresh folder`,
    { details: { dest }, ...(cause ? { cause } : {}) },
  );
}

async function pool<T>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, run));
}
