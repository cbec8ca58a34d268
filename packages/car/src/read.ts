import { randomBytes } from 'node:crypto';
import { type Dirent, promises as fs } from 'node:fs';
import path from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { buildArchive, type CarArchive } from './archive.js';
import { headHook } from './head.js';
import { type ReadCarOptions, resolveLimits } from './limits.js';
import { comparePaths } from './manifest.js';
import { readSafeZip, type SafeZip } from './zip-reader.js';

async function load(
  file: string,
  options?: ReadCarOptions,
): Promise<{ zip: SafeZip; car: CarArchive }> {
  const limits = resolveLimits(options?.limits);
  const first = headHook(file, limits, options?.onHead);
  const zip = await readSafeZip(file, limits, first ? { first } : {});
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
  const limits = resolveLimits(options?.limits);
  const dest = path.resolve(destDir);
  await assertFreeDestination(dest);
  const first = headHook(file, limits, options?.onHead);
  const parent = path.dirname(dest);
  const temp = path.join(parent, `.${path.basename(dest)}.tmp-${randomBytes(6).toString('hex')}`);
  let createdParent: string | undefined;
  let started = false;
  try {
    // Entries are written into the temp folder as they are inflated (the central directory has
    // passed every check by then); manifest and descriptor checks finish before the rename.
    const zip = await readSafeZip(file, limits, {
      prepare: async (paths) => {
        createdParent = await fs.mkdir(parent, { recursive: true });
        await fs.mkdir(temp);
        started = true;
        await Promise.all(
          leafDirs(paths).map((d) => fs.mkdir(path.join(temp, d), { recursive: true })),
        );
      },
      sink: (e) => fs.writeFile(path.join(temp, e.path), e.data, { flag: 'wx', mode: 0o644 }),
      ...(first ? { first } : {}),
    });
    const car = buildArchive(file, zip, limits);
    await fs.rmdir(dest).catch(() => undefined);
    await fs.rename(temp, dest);
    return car;
  } catch (cause) {
    // Clean-up must never replace the real error: it is reported as a warning instead.
    await cleanUp(started ? temp : undefined, parent, createdParent);
    if (ChassisError.is(cause)) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw destExists(dest, cause);
    throw cause;
  }
}

/**
 * Removes a half-written extraction. `rm` retries (a write still in flight can make the first
 * pass fail with `ENOTEMPTY`); a failure that remains is emitted as a process warning naming
 * the folder left behind, never thrown, so the caller's typed error is what the user sees.
 */
async function cleanUp(
  temp: string | undefined,
  parent: string,
  createdParent: string | undefined,
): Promise<void> {
  try {
    if (temp) await fs.rm(temp, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    if (createdParent) await removeEmptyUpTo(parent, createdParent);
  } catch (err) {
    process.emitWarning(
      `Could not remove the partial extraction ${temp ?? parent}: ${(err as Error).message}`,
      { code: 'CHASSIS_W_CAR_EXTRACT_LEFTOVER' },
    );
  }
}

/** The deepest folders of a set of file paths: `mkdir -p` of these creates all the others. */
function leafDirs(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const dir = path.posix.dirname(p);
    if (dir !== '.') dirs.add(dir);
  }
  const parents = new Set<string>();
  for (const d of dirs) {
    for (let at = d.lastIndexOf('/'); at > 0; at = d.lastIndexOf('/', at - 1)) {
      parents.add(d.slice(0, at));
    }
  }
  return [...dirs].filter((d) => !parents.has(d));
}

/** Removes the folders this call created (from `dir` up to `top`), only while they are empty. */
async function removeEmptyUpTo(dir: string, top: string): Promise<void> {
  for (let d = dir; d.startsWith(top); d = path.dirname(d)) {
    if (
      !(await fs.rmdir(d).then(
        () => true,
        () => false,
      ))
    )
      return;
    if (d === top) return;
  }
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
