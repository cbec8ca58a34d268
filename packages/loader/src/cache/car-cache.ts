import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type CarArchive, extractCar, type ReadCarOptions, readCar } from '@chassis/car';
import { ChassisError, type Logger, serializeError, silentLogger } from '@chassis/kernel';
import { ensureLibLink } from '../loader/directory.js';
import { extractionProblems } from './verify-extraction.js';

/** Hex SHA-256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

const DIGEST = /^[0-9a-f]{64}$/;

/** A CAR read, checked and extracted once: the value the install path passes along. */
export interface CachedCar {
  /** The extracted directory, `<cache>/<sha256>`. */
  readonly dir: string;
  /** Hex SHA-256 of the CAR file, from the same read that checked it. */
  readonly sha256: string;
  readonly archive: CarArchive;
}

/** Options of {@link CarCache.ensure}. */
export interface EnsureOptions {
  /** The digest the caller expects (a version loaded before): a cached extraction is reused. */
  readonly sha256?: string;
  /**
   * Called early in the read with the CAR's digest (so its folder, {@link CarCache.pathOf}) and
   * its unverified `driver.yaml` (see `ReadCarOptions.onHead`). Not called for a read another
   * caller already started for the same file.
   */
  readonly onHead?: ReadCarOptions['onHead'];
}

/** How the cache reads CARs (each call is one full read and check of the file); injectable to count reads. */
export interface CarReader {
  readCar(file: string, options?: ReadCarOptions): Promise<CarArchive>;
  extractCar(file: string, destDir: string, options?: ReadCarOptions): Promise<CarArchive>;
}

const DEFAULT_READER: CarReader = { readCar, extractCar };

/**
 * Content-addressed extraction cache: a CAR is verified and extracted once into
 * `<dir>/<sha256>/` (extracted beside it under a temporary name, then renamed: a directory
 * named by a digest is always complete), reused on restart, and removed by {@link gc} when no
 * installed version refers to it. Every {@link ensure} reads the CAR exactly once.
 * Keep `dir` outside any tree with a `node_modules` above it.
 */
export class CarCache {
  private readonly inflight = new Map<string, Promise<CachedCar>>();
  /** Temporary extraction folders in use (gc leaves them alone). */
  private readonly temps = new Set<string>();
  /** Digests whose cached extraction is being checked or renamed into place. */
  private readonly checking = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly readOptions: ReadCarOptions = {},
    private readonly logger: Logger = silentLogger,
    private readonly reader: CarReader = DEFAULT_READER,
  ) {}

  /**
   * The extracted directory of `carFile`, in one read of the file. With `expect.sha256` (a
   * version loaded before, e.g. at restart) and that digest cached, the CAR is read and checked
   * and the extraction compared with its manifest; otherwise it is extracted straight into a
   * temporary folder while it is checked, then renamed to its digest.
   */
  async ensure(carFile: string, expect: EnsureOptions = {}): Promise<CachedCar> {
    const running = this.inflight.get(carFile);
    if (running) return running;
    const options = expect.onHead
      ? { ...this.readOptions, onHead: expect.onHead }
      : this.readOptions;
    const p = this.open(carFile, expect.sha256, options).finally(() =>
      this.inflight.delete(carFile),
    );
    this.inflight.set(carFile, p);
    return p;
  }

  /** Path of a cached digest (whether or not it exists). */
  pathOf(sha256: string): string {
    return join(this.dir, sha256);
  }

  /** Removes every cache entry (and leftover temporary directory) not in `keep`; returns names removed. */
  async gc(keep: ReadonlySet<string>): Promise<string[]> {
    const names = await readdir(this.dir).catch((cause: NodeJS.ErrnoException) => {
      // No cache folder yet: nothing to collect. Anything else is not "empty".
      if (cause.code === 'ENOENT') return [] as string[];
      throw this.io(`cannot list the cache ${this.dir}`, cause);
    });
    const removed: string[] = [];
    for (const name of names.sort()) {
      // Entries being extracted, checked or renamed right now are in use even if nothing refers to them yet.
      if (keep.has(name) || this.temps.has(name) || this.checking.has(name)) continue;
      if (!DIGEST.test(name) && !name.startsWith('.tmp-')) continue;
      await rm(join(this.dir, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  private async open(
    carFile: string,
    expected: string | undefined,
    readOptions: ReadCarOptions,
  ): Promise<CachedCar> {
    if (expected && DIGEST.test(expected) && (await isDir(this.pathOf(expected)))) {
      this.checking.add(expected);
      try {
        const archive = await this.reader.readCar(carFile, readOptions).catch(notFound(carFile));
        const target = this.pathOf(archive.sha256);
        if (archive.sha256 === expected && (await this.intact(target, archive)))
          return { dir: target, sha256: archive.sha256, archive };
      } finally {
        this.checking.delete(expected);
      }
    }
    await mkdir(this.dir, { recursive: true }).catch((cause) => {
      throw this.io(`cannot create ${this.dir}`, cause);
    });
    const name = `.tmp-${randomBytes(6).toString('hex')}`;
    const temp = join(this.dir, name);
    this.temps.add(name);
    try {
      let archive: CarArchive;
      try {
        archive = await this.reader.extractCar(carFile, temp, readOptions).catch(notFound(carFile));
        await ensureLibLink(temp);
      } catch (err) {
        // Clean-up never replaces the real error (issue 12 item 7).
        await removeLeftover(temp);
        throw err;
      }
      const { sha256 } = archive;
      const target = this.pathOf(sha256);
      this.checking.add(sha256);
      try {
        if ((await isDir(target)) && (await this.intact(target, archive))) {
          // Already cached and intact (another install, or a shared cache): ours is redundant.
          await rm(temp, { recursive: true, force: true });
          return { dir: target, sha256, archive };
        }
        await this.moveIntoPlace(temp, target);
      } finally {
        this.checking.delete(sha256);
      }
      return { dir: target, sha256, archive };
    } finally {
      this.temps.delete(name);
    }
  }

  /**
   * True when the cached extraction matches the CAR's manifest; a tampered one (a driver, or
   * anyone, may have changed it) is logged, removed, and false is returned.
   */
  private async intact(target: string, archive: CarArchive): Promise<boolean> {
    const problems = await extractionProblems(target, archive);
    if (problems.length === 0) return true;
    const err = new ChassisError(
      'CHASSIS_E_LOADER_CACHE_TAMPERED',
      `the cached extraction ${target} of ${archive.descriptor.id}@${archive.descriptor.version} no longer matches its CAR manifest (${problems.slice(0, 10).join(', ')}); it is removed and extracted again from the verified CAR`,
      {
        details: {
          dir: target,
          driver: archive.descriptor.id,
          version: archive.descriptor.version,
          files: problems,
        },
      },
    );
    this.logger.error({ err: serializeError(err) }, 'tampered CAR extraction refused');
    await rm(target, { recursive: true, force: true }).catch((cause) => {
      throw this.io(`cannot remove the tampered extraction ${target}`, cause);
    });
    return false;
  }

  private async moveIntoPlace(temp: string, target: string): Promise<void> {
    try {
      await rename(temp, target);
    } catch (cause) {
      await removeLeftover(temp);
      // Another server process sharing the cache won the race: its copy is as good as ours.
      const code = (cause as NodeJS.ErrnoException).code;
      if (!(code === 'ENOTEMPTY' || code === 'EEXIST') || !(await isDir(target))) {
        throw this.io(`cannot move the extracted CAR into ${target}`, cause);
      }
    }
  }

  private io(message: string, cause: unknown): ChassisError {
    return new ChassisError(
      'CHASSIS_E_LOADER_CACHE_IO',
      `${message}: ${(cause as Error).message}`,
      {
        details: { dir: this.dir },
        cause,
      },
    );
  }
}

/** Maps a missing CAR file to `CHASSIS_E_CAR_NOT_FOUND`; other errors pass through. */
function notFound(carFile: string): (cause: unknown) => never {
  return (cause) => {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT' && !ChassisError.is(cause)) {
      throw new ChassisError(
        'CHASSIS_E_CAR_NOT_FOUND',
        `CAR file ${carFile} does not exist; check the path`,
        {
          details: { file: carFile },
          cause,
        },
      );
    }
    throw cause;
  };
}

/** Whether `path` is a folder; only `ENOENT` means "no", any other failure is a typed error. */
async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ChassisError(
      'CHASSIS_E_LOADER_CACHE_IO',
      `cannot check ${path}: ${(cause as Error).message}`,
      {
        details: { dir: path },
        cause,
      },
    );
  }
}

/**
 * Removes a half-built extraction after a failure. Retries (a write still settling can make the
 * first pass fail with `ENOTEMPTY`); what still fails is a process warning naming the folder,
 * never thrown, so the caller's real error is what the user sees (gc removes it later).
 */
async function removeLeftover(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  } catch (err) {
    process.emitWarning(
      `Could not remove the partial extraction ${dir}: ${(err as Error).message}`,
      {
        code: 'CHASSIS_W_LOADER_CACHE_LEFTOVER',
      },
    );
  }
}
