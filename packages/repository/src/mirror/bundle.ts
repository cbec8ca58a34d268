import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChassisError } from '@chassis/kernel';
import unzipper from 'unzipper';
import yazl from 'yazl';
import { tempPathFor } from '../repo/atomic.js';
import { publishConsistentNames } from '../repo/consistent.js';
import { digestFile } from '../repo/digest.js';
import {
  CARS_DIR,
  digestOfTargetPath,
  LATEST_ROOT_FILE,
  REVOCATIONS_TARGET,
  TIMESTAMP_FILE,
  versionedName,
} from '../repo/layout.js';
import { readRepositoryState } from '../repo/state.js';
import { entryOfTarget } from '../tuf/entry.js';
import {
  type MirrorOptions,
  type MirrorProgress,
  type MirrorResult,
  mirrorRepository,
} from './mirror.js';
import { verifyMirror } from './verify.js';

/** Fixed entry time, so the same repository always exports to the same bytes. */
const EPOCH = new Date('2000-01-01T00:00:00Z');
const BUNDLE_ENTRY =
  /^(?:[1-9][0-9]{0,8}\.(?:root|targets|snapshot)\.json|timestamp\.json|root\.json|revocations\.json|cars\/[0-9a-f]{64}\.car)$/;

/** Bounds on what an imported bundle may hold. */
export interface BundleLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

const DEFAULT_BUNDLE_LIMITS: BundleLimits = { maxEntries: 100_000, maxBytes: 64 * 1024 ** 3 };

/**
 * Writes the current state of a repository folder (all root versions, the current targets and
 * snapshot, the timestamp and every listed CAR) into one zip file for sneakernet transfer.
 * Returns the number of CARs exported. `onProgress` hears the bytes written so far against the
 * CARs' total (metadata is small and not counted), at most once per written chunk.
 */
export async function exportBundle(
  repoDir: string,
  file: string,
  options: { readonly onProgress?: (p: MirrorProgress) => void } = {},
): Promise<{ cars: number }> {
  const state = await readRepositoryState(repoDir);
  const zip = new yazl.ZipFile();
  const add = (name: string, compress: boolean) =>
    zip.addFile(join(repoDir, name), name, { mtime: EPOCH, mode: 0o100644, compress });
  for (let v = 1; v <= state.root.signed.version; v++) add(versionedName('root', v), true);
  add(LATEST_ROOT_FILE, true);
  add(versionedName('targets', state.targets.signed.version), true);
  add(versionedName('snapshot', state.snapshot.signed.version), true);
  let cars = 0;
  let totalBytes = 0;
  for (const t of Object.values(state.targets.signed.targets)) {
    const e = entryOfTarget(t);
    if (!e) continue;
    add(e.path, false);
    cars += 1;
    totalBytes += t.length;
  }
  if (state.targets.signed.targets[REVOCATIONS_TARGET]) add(REVOCATIONS_TARGET, true);
  add(TIMESTAMP_FILE, true);
  zip.end();
  await mkdir(dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  try {
    let bytes = 0;
    const report = options.onProgress;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        report?.({
          phase: 'cars',
          done: 0,
          total: cars,
          bytes: Math.min(bytes, totalBytes),
          totalBytes,
        });
        done(null, chunk);
      },
    });
    await pipeline(zip.outputStream, count, createWriteStream(tmp));
    report?.({ phase: 'commit', done: cars, total: cars, bytes: totalBytes, totalBytes });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new ChassisError(
      'CHASSIS_E_REPO_BUNDLE_INVALID',
      `Cannot export ${repoDir}: ${(err as Error).message}`,
      {
        details: { repoDir, file },
        cause: err,
      },
    );
  }
  return { cars };
}

/** Options of {@link importBundle}. */
export interface ImportOptions extends Pick<MirrorOptions, 'onProgress'> {
  /** The operator's trusted root; default: the bundle's own `1.root.json`. */
  readonly trustedRoot?: string | Uint8Array;
  readonly limits?: Partial<BundleLimits>;
}

function invalid(file: string, why: string, cause?: unknown): ChassisError {
  return new ChassisError(
    'CHASSIS_E_REPO_BUNDLE_INVALID',
    `Bundle ${file} is not a repository export: ${why}`,
    {
      details: { file },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

/**
 * Imports a bundle made by {@link exportBundle} into `dir`: unpacks it into a private staging
 * folder (only repository file names are accepted; sizes and entry counts are bounded),
 * verifies it completely with TUF, then mirrors it into `dir` (CARs first, metadata last).
 */
export async function importBundle(
  file: string,
  dir: string,
  options: ImportOptions = {},
): Promise<MirrorResult> {
  const limits = { ...DEFAULT_BUNDLE_LIMITS, ...options.limits };
  const staging = await mkdtemp(join(tmpdir(), 'chassis-import-'));
  try {
    let archive: unzipper.CentralDirectory;
    try {
      archive = await unzipper.Open.file(file);
    } catch (err) {
      throw invalid(file, 'not a readable zip', err);
    }
    const entries = archive.files.filter((f) => f.type !== 'Directory');
    if (entries.length > limits.maxEntries)
      throw invalid(file, `more than ${limits.maxEntries} entries`);
    const seen = new Set<string>();
    let total = 0;
    for (const entry of entries) {
      if (!BUNDLE_ENTRY.test(entry.path) || seen.has(entry.path)) {
        throw invalid(file, `unexpected or duplicate entry ${JSON.stringify(entry.path)}`);
      }
      seen.add(entry.path);
      total += entry.uncompressedSize;
      if (total > limits.maxBytes) throw invalid(file, `more than ${limits.maxBytes} bytes`);
    }
    await mkdir(join(staging, CARS_DIR), { recursive: true });
    for (const entry of entries) {
      try {
        await pipeline(
          entry.stream(),
          createWriteStream(join(staging, entry.path), { flags: 'wx' }),
        );
      } catch (err) {
        throw invalid(file, `entry ${entry.path} is corrupt`, err);
      }
    }
    if (!seen.has(TIMESTAMP_FILE) || !seen.has(versionedName('root', 1))) {
      throw invalid(file, 'timestamp.json or 1.root.json is missing');
    }
    // A bundle carries each CAR once; its consistent (hash-prefixed) name is a link made here.
    // A CAR whose bytes do not match its name fails the TUF verification just below.
    for (const entry of entries) {
      const sha256 =
        entry.path === REVOCATIONS_TARGET
          ? (await digestFile(join(staging, entry.path))).sha256
          : digestOfTargetPath(entry.path);
      if (!sha256) continue;
      await publishConsistentNames(staging, {
        path: entry.path,
        length: entry.uncompressedSize,
        hashes: { sha256 },
      });
    }
    const trustedRoot = options.trustedRoot ?? join(staging, versionedName('root', 1));
    await verifyMirror(staging, trustedRoot);
    return await mirrorRepository(staging, dir, {
      trustedRoot,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
