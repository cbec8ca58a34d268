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

/**
 * Content-addressed extraction cache: a CAR is verified and extracted once into
 * `<dir>/<sha256>/` (extracted beside it under a temporary name, then renamed: a directory
 * named by a digest is always complete), reused on restart, and removed by {@link gc} when no
 * installed version refers to it. Keep `dir` outside any tree with a `node_modules` above it.
 */
export class CarCache {
  private readonly inflight = new Map<
    string,
    Promise<{ dir: string; sha256: string; archive: CarArchive }>
  >();

  constructor(
    readonly dir: string,
    private readonly readOptions: ReadCarOptions = {},
    private readonly logger: Logger = silentLogger,
  ) {}

  /** The extracted directory of `carFile`, extracting it if this digest is not cached yet. */
  async ensure(carFile: string): Promise<{ dir: string; sha256: string; archive: CarArchive }> {
    const sha256 = await sha256File(carFile).catch((cause) => {
      const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ChassisError(
        missing ? 'CHASSIS_E_CAR_NOT_FOUND' : 'CHASSIS_E_LOADER_CACHE_IO',
        missing
          ? `CAR file ${carFile} does not exist; check the path`
          : `cannot read ${carFile}: ${cause.message}`,
        {
          details: { file: carFile },
          cause,
        },
      );
    });
    const running = this.inflight.get(sha256);
    if (running) return running;
    const p = this.ensureDigest(carFile, sha256).finally(() => this.inflight.delete(sha256));
    this.inflight.set(sha256, p);
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
      if (keep.has(name) || this.inflight.has(name)) continue;
      if (name.startsWith('.tmp-') && [...this.inflight.keys()].some((d) => name.includes(d)))
        continue;
      if (!DIGEST.test(name) && !name.startsWith('.tmp-')) continue;
      await rm(join(this.dir, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  private async ensureDigest(
    carFile: string,
    sha256: string,
  ): Promise<{ dir: string; sha256: string; archive: CarArchive }> {
    const target = this.pathOf(sha256);
    if (await isDir(target)) {
      // A cached extraction is checked before every load: a driver (or anyone) may have changed it.
      const archive = await readCar(carFile, this.readOptions);
      const problems = await extractionProblems(target, archive);
      if (problems.length === 0) return { dir: target, sha256, archive };
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
    }
    await mkdir(this.dir, { recursive: true }).catch((cause) => {
      throw this.io(`cannot create ${this.dir}`, cause);
    });
    const temp = join(this.dir, `.tmp-${sha256}-${randomBytes(4).toString('hex')}`);
    let archive: CarArchive;
    try {
      archive = await extractCar(carFile, temp, this.readOptions);
      await ensureLibLink(temp);
    } catch (err) {
      await removeLeftover(temp);
      throw err;
    }
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
    return { dir: target, sha256, archive };
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
