import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ChassisError } from '@chassis/kernel';
import type { CarLimits } from './limits.js';
import { statIfPresent, unreadable } from './project-files.js';
import { checkDirectory, isDirectory } from './zip/checks.js';
import { readDirectory } from './zip/directory.js';
import { readZipFrame } from './zip/frame.js';
import { inflateEntry, type SafeEntry } from './zip/inflate.js';
import { checkLocalRecords } from './zip/local.js';

export type { SafeEntry } from './zip/inflate.js';

/** Lets a caller act once the directory passed its checks, and on each checked entry. */
export interface SafeZipHooks {
  /** Called once, after every structural and directory check and before any entry is inflated. */
  readonly prepare?: (filePaths: readonly string[]) => Promise<void>;
  /** Called with each inflated, size- and CRC-checked entry (a few at a time). */
  readonly sink?: (entry: SafeEntry) => Promise<void>;
  /**
   * One entry inflated (and checked) before all others, handed over with the archive's digest
   * as soon as it is ready: lets a caller start work that needs only that entry (the loader
   * spawns a driver's environment from `driver.yaml`) while the rest is inflated.
   */
  readonly first?: {
    readonly path: string;
    readonly take: (entry: SafeEntry, sha256: string) => void;
  };
}

/** What {@link readSafeZip} returns: the archive's own digest and its checked file entries. */
export interface SafeZip {
  /** Hex SHA-256 of the whole archive file. */
  readonly sha256: string;
  readonly size: number;
  /** File entries (no directories) in archive order. */
  readonly entries: SafeEntry[];
}

const INFLATE_CONCURRENCY = 4;

/**
 * Reads a zip fully into memory and checks it before and while inflating. Before anything is
 * inflated: the frame (no prefix, appended or hidden bytes, a record count that matches the
 * records present), the central directory (read by yauzl; entry count, paths, name lengths,
 * symlinks, encryption, layout, collisions, declared sizes and ratios) and every local header
 * and data descriptor against it. While inflating: the real sizes and CRC-32s. Nothing is
 * written anywhere.
 */
export async function readSafeZip(
  file: string,
  limits: CarLimits,
  hooks: SafeZipHooks = {},
): Promise<SafeZip> {
  const size = await fileSize(file);
  // Even stored entries cannot make the file much larger than what they expand to.
  const maxFile = limits.maxTotalBytes + limits.maxEntries * 1024 + 65_557;
  if (size > maxFile) {
    throw new ChassisError(
      'CHASSIS_E_CAR_TOO_LARGE',
      `${file} is ${size} bytes, more than a CAR within the limits can be (${maxFile})`,
      { details: { file, size, max: maxFile } },
    );
  }
  const bytes = await readFile(file).catch((cause: unknown) => {
    throw unreadable(file, cause);
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const frame = readZipFrame(file, bytes);
  const records = await readDirectory(file, bytes);
  checkDirectory(file, records, limits);
  const spans = checkLocalRecords(file, bytes, records, frame);
  const files = records.filter((r) => !isDirectory(r));
  await hooks.prepare?.(files.map((r) => r.path));
  const entries: SafeEntry[] = new Array(files.length);
  const order = files.map((_, i) => i);
  const firstAt = hooks.first ? files.findIndex((r) => r.path === hooks.first?.path) : -1;
  if (firstAt > 0) order.unshift(...order.splice(firstAt, 1));
  let next = 0;
  // A few inflations at once keep the libuv pool busy without holding many partial buffers.
  let failed = false;
  const worker = async () => {
    while (next < files.length && !failed) {
      const i = order[next++];
      const r = files[i];
      const span = spans.get(r);
      try {
        if (!span) throw new Error(`no checked span for ${r.path}`);
        entries[i] = await inflateEntry(file, bytes, r, span);
        if (i === firstAt) hooks.first?.take(entries[i], sha256);
        await hooks.sink?.(entries[i]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  // Every worker settles before the first failure is rethrown: no write of a sink is still in
  // flight when the caller cleans up, so clean-up never races it (ENOTEMPTY) nor masks the error.
  const settled = await Promise.allSettled(
    Array.from({ length: hooks.sink ? 2 * INFLATE_CONCURRENCY : INFLATE_CONCURRENCY }, worker),
  );
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return { sha256, size, entries };
}

/** The CAR's size; absent or not a file is `CHASSIS_E_CAR_NOT_FOUND`, unreadable is not. */
async function fileSize(file: string): Promise<number> {
  const s = await statIfPresent(file);
  if (!s?.isFile()) {
    throw new ChassisError(
      'CHASSIS_E_CAR_NOT_FOUND',
      `CAR file ${file} does not exist or is not a file`,
      { details: { file } },
    );
  }
  return s.size;
}
