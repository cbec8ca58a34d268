import { ChassisError } from '@chassis/kernel';
import { assertLayout, assertSafePath, DESCRIPTOR_PATH, printable } from '../layout.js';
import { type CarLimits, RATIO_EXEMPT_BYTES } from '../limits.js';
import { assertNameLength, assertNoCollisions } from '../names.js';
import type { ZipRecord } from './directory.js';
import { tooLarge, unsupported } from './errors.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** A directory record (a name ending in `/`); it has no data and is never inflated. */
export function isDirectory(r: ZipRecord): boolean {
  return r.path.endsWith('/');
}

/**
 * Every check the central directory allows, before a single byte is inflated: entry count,
 * paths (zip slip), name lengths, symlinks and special files, encryption, layout, collisions
 * (normalisation and case folding), compression methods, declared sizes and ratios.
 */
export function checkDirectory(file: string, records: readonly ZipRecord[], limits: CarLimits) {
  if (records.length > limits.maxEntries) {
    throw new ChassisError(
      'CHASSIS_E_CAR_TOO_MANY_ENTRIES',
      `${file} has ${records.length} entries; the limit is ${limits.maxEntries}`,
      { details: { file, entries: records.length, max: limits.maxEntries } },
    );
  }
  for (const r of records) assertSafePath(r.path, file);
  for (const r of records) assertNameLength(r.path, file);
  for (const r of records) checkKind(file, r);
  for (const r of records) assertLayout(r.path, file);
  assertNoCollisions(
    records.map((r) => r.path),
    file,
  );
  let total = 0;
  for (const r of records) {
    if (isDirectory(r)) continue;
    if (r.method !== 0 && r.method !== 8) {
      throw unsupported(
        file,
        r.path,
        `uses compression method ${r.method} (only stored and deflate)`,
      );
    }
    const declared = r.uncompressedSize;
    if (r.path === DESCRIPTOR_PATH && declared > limits.maxDescriptorBytes) {
      throw new ChassisError(
        'CHASSIS_E_CAR_DESCRIPTOR_TOO_LARGE',
        `driver.yaml in ${file} is ${declared} bytes, over the ${limits.maxDescriptorBytes}-byte cap`,
        { details: { file, size: declared, max: limits.maxDescriptorBytes } },
      );
    }
    if (declared > limits.maxEntryBytes) {
      throw tooLarge(
        file,
        `entry "${printable(r.path)}" expands to ${declared} bytes; the per-entry limit is ${limits.maxEntryBytes}`,
        r.path,
      );
    }
    total += declared;
    if (total > limits.maxTotalBytes) {
      throw tooLarge(file, `its entries expand to more than ${limits.maxTotalBytes} bytes`, r.path);
    }
    if (declared >= RATIO_EXEMPT_BYTES) {
      const ratio = declared / Math.max(1, r.compressedSize);
      if (ratio > limits.maxCompressionRatio) {
        throw new ChassisError(
          'CHASSIS_E_CAR_COMPRESSION_RATIO',
          `Entry "${printable(r.path)}" in ${file} expands ${Math.round(ratio)}× (limit ${limits.maxCompressionRatio}×); refusing a likely zip bomb`,
          { details: { file, entry: r.path, ratio, max: limits.maxCompressionRatio } },
        );
      }
    }
  }
}

/** Regular files and folders only, never encrypted. */
function checkKind(file: string, r: ZipRecord): void {
  const unixType = r.versionMadeBy >> 8 === 3 ? (r.externalAttributes >>> 16) & S_IFMT : 0;
  if (unixType === S_IFLNK) {
    throw new ChassisError(
      'CHASSIS_E_CAR_SYMLINK',
      `Entry "${printable(r.path)}" in ${file} is a symbolic link; CARs hold regular files only`,
      { details: { file, entry: r.path } },
    );
  }
  if (unixType !== 0 && unixType !== S_IFREG && unixType !== S_IFDIR) {
    throw unsupported(file, r.path, `is a special file (mode ${unixType.toString(8)})`);
  }
  if (r.flags & 0x41) {
    throw new ChassisError(
      'CHASSIS_E_CAR_ENCRYPTED',
      `Entry "${printable(r.path)}" in ${file} is encrypted; CARs are signed, never encrypted`,
      { details: { file, entry: r.path } },
    );
  }
}
