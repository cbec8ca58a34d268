import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { writeFileAtomic } from '../repo/atomic.js';
import { publishConsistentNames } from '../repo/consistent.js';
import { digestFile } from '../repo/digest.js';
import {
  LATEST_ROOT_FILE,
  REVOCATIONS_TARGET,
  TIMESTAMP_FILE,
  versionedName,
} from '../repo/layout.js';
import { statIfPresent } from '../repo/stat-present.js';
import { openRepositoryLocation, type TransportOptions } from '../transport/open.js';
import { isNotFound } from '../transport/transport.js';
import { RepositoryClient } from '../tuf/client.js';
import { DEFAULT_LIMITS, type RepositoryLimits } from '../tuf/limits.js';
import { verifyRootChain } from './root-chain.js';

/** One step of a mirror run, for progress bars. */
export interface MirrorProgress {
  readonly phase: 'metadata' | 'cars' | 'commit';
  /** CARs handled so far / in total (cars phase). */
  readonly done: number;
  readonly total: number;
  /** Bytes of CARs handled so far / in total. */
  readonly bytes: number;
  readonly totalBytes: number;
  /** The CAR just handled, and whether it was already present. */
  readonly file?: string;
  readonly skipped?: boolean;
}

/** Options of {@link mirrorRepository}. */
export interface MirrorOptions extends TransportOptions {
  /**
   * Trusted root for the source. Default: the source's own `1.root.json` (trust on first use,
   * acceptable for copying between one's own sites; pass the operator's root otherwise).
   */
  readonly trustedRoot?: string | Uint8Array;
  readonly onProgress?: (progress: MirrorProgress) => void;
  readonly limits?: Partial<RepositoryLimits>;
}

/** What a mirror run did. */
export interface MirrorResult {
  readonly drivers: number;
  readonly copied: number;
  readonly skipped: number;
  readonly bytes: number;
  readonly rootVersion: number;
  readonly timestampVersion: number;
}

async function present(file: string, sha256: string, length: number): Promise<boolean> {
  const st = await statIfPresent(file);
  if (!st?.isFile() || st.size !== length) return false;
  return (await digestFile(file)).sha256 === sha256;
}

function versionOf(bytes: Buffer): number {
  return (JSON.parse(bytes.toString('utf8')) as { signed: { version: number } }).signed.version;
}

/**
 * Copies a repository (any transport) into the folder `dst` for an air-gapped site. Everything
 * is verified with TUF before it is written; CARs come first and metadata last (timestamp
 * at the very end), each file atomically, so `dst` always shows either the previous complete
 * repository or the new one. Each CAR is written under its plain and its consistent
 * (hash-prefixed) names. Resumable: CARs already present with the right digest are kept.
 */
export async function mirrorRepository(
  src: string,
  dst: string,
  options: MirrorOptions = {},
): Promise<MirrorResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const cacheDir = await mkdtemp(join(tmpdir(), 'chassis-mirror-'));
  let client: RepositoryClient | undefined;
  try {
    let trustedRoot = options.trustedRoot;
    if (trustedRoot === undefined) {
      const probe = openRepositoryLocation(src, options);
      const url = `${probe.baseUrl}${versionedName('root', 1)}`;
      try {
        trustedRoot = await probe.transport.downloadBytes(url, limits.rootMaxBytes).catch((err) => {
          // Only "not there" means no repository; an unreadable or unreachable one keeps its error.
          if (ChassisError.is(err)) throw err;
          if (!isNotFound(err)) {
            throw new ChassisError(
              'CHASSIS_E_REPO_TRANSPORT',
              `Cannot fetch ${url} (${(err as Error).message})`,
              { details: { url }, cause: err },
            );
          }
          throw new ChassisError(
            'CHASSIS_E_REPO_NOT_FOUND',
            `No repository at ${src} (${url} missing)`,
            {
              details: { url },
              cause: err,
            },
          );
        });
      } finally {
        probe.transport.close();
      }
    }
    client = new RepositoryClient({ ...options, url: src, trustedRoot, cacheDir, limits });
    options.onProgress?.({ phase: 'metadata', done: 0, total: 0, bytes: 0, totalBytes: 0 });
    const drivers = await client.refresh();
    const total = drivers.length;
    const totalBytes = drivers.reduce((n, d) => n + d.length, 0);
    let done = 0;
    let bytes = 0;
    let copied = 0;
    await mkdir(join(dst, 'cars'), { recursive: true });
    for (const d of drivers) {
      const file = join(dst, d.path);
      const skipped = await present(file, d.sha256, d.length);
      if (!skipped) {
        await client.download(d.id, d.version, file);
        copied += 1;
      }
      // The consistent (hash-prefixed) names standard TUF clients fetch, as the source has them.
      await publishConsistentNames(dst, {
        path: d.path,
        length: d.length,
        hashes: { sha256: d.sha256 },
      });
      done += 1;
      bytes += d.length;
      options.onProgress?.({
        phase: 'cars',
        done,
        total,
        bytes,
        totalBytes,
        file: d.path,
        skipped,
      });
    }
    // The CA's revocation list (a target too), verified by TUF, before the metadata naming it.
    const revocations = await client.revocations();
    if (revocations) {
      const sha256 = createHash('sha256').update(revocations).digest('hex');
      await writeFileAtomic(join(dst, REVOCATIONS_TARGET), revocations);
      await publishConsistentNames(dst, {
        path: REVOCATIONS_TARGET,
        length: revocations.length,
        hashes: { sha256 },
      });
    }
    options.onProgress?.({ phase: 'commit', done, total, bytes, totalBytes });
    const root = await client.trustedMetadata('root.json');
    const rootVersion = versionOf(root);
    const roots: Uint8Array[] = [];
    for (let v = 1; v < rootVersion; v++) {
      roots.push(
        await client.location.transport.downloadBytes(
          `${client.url}${versionedName('root', v)}`,
          limits.rootMaxBytes,
        ),
      );
    }
    roots.push(root);
    verifyRootChain(roots, root);
    const targets = await client.trustedMetadata('targets.json');
    const snapshot = await client.trustedMetadata('snapshot.json');
    const timestamp = await client.trustedMetadata('timestamp.json');
    for (const [i, bytes] of roots.entries()) {
      const file = join(dst, versionedName('root', i + 1));
      const same = await readFile(file).then(
        (b) => b.equals(Buffer.from(bytes)),
        () => false,
      );
      if (!same) await writeFileAtomic(file, bytes);
    }
    await writeFileAtomic(join(dst, versionedName('targets', versionOf(targets))), targets);
    await writeFileAtomic(join(dst, versionedName('snapshot', versionOf(snapshot))), snapshot);
    await writeFileAtomic(join(dst, LATEST_ROOT_FILE), root);
    await writeFileAtomic(join(dst, TIMESTAMP_FILE), timestamp);
    return {
      drivers: total,
      copied,
      skipped: total - copied,
      bytes: totalBytes,
      rootVersion,
      timestampVersion: versionOf(timestamp),
    };
  } finally {
    client?.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
}
