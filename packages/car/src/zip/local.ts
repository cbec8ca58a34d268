import { ChassisError } from '@chassis/kernel';
import { printable } from '../layout.js';
import type { ZipRecord } from './directory.js';
import { corrupt } from './errors.js';
import { prefixBytes, SIG, type ZipFrame } from './frame.js';

/** Where one record's compressed bytes are, once its local header is checked. */
export interface DataSpan {
  readonly start: number;
  readonly end: number;
}

/** General-purpose flag: sizes and CRC-32 follow the data in a data descriptor. */
const HAS_DESCRIPTOR = 0x08;
const ZIP64_EXTRA = 0x0001;

/**
 * Checks every local header against its central-directory record and returns where each
 * record's data lies. The local headers, their data and data descriptors must tile the file
 * from offset 0 up to the central directory: bytes in front are `CHASSIS_E_CAR_PREFIX_BYTES`,
 * gaps or overlaps are `CHASSIS_E_CAR_CORRUPT`. Sizes or CRC-32 in a local header or a data
 * descriptor that disagree with the directory are `CHASSIS_E_CAR_DATA_DESCRIPTOR_MISMATCH`:
 * a streaming reader trusts those, the reader here trusts the directory, and a CAR must read
 * the same either way.
 */
export function checkLocalRecords(
  file: string,
  bytes: Buffer,
  records: readonly ZipRecord[],
  frame: ZipFrame,
): Map<ZipRecord, DataSpan> {
  const spans = new Map<ZipRecord, DataSpan>();
  const byOffset = [...records].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let expected = 0;
  for (const r of byOffset) {
    if (r.localHeaderOffset !== expected) {
      if (expected === 0) throw prefixBytes(file, r.localHeaderOffset);
      throw corrupt(
        file,
        r.localHeaderOffset < expected
          ? `entry "${printable(r.path)}" overlaps the entry before it`
          : `${r.localHeaderOffset - expected} bytes before entry "${printable(r.path)}" belong to no entry`,
        r.path,
      );
    }
    const span = checkLocalHeader(file, bytes, r);
    spans.set(r, span);
    expected = span.end + descriptorLength(file, bytes, r, span);
  }
  if (expected !== frame.cdOffset) {
    if (byOffset.length === 0) throw prefixBytes(file, frame.cdOffset);
    throw corrupt(
      file,
      expected < frame.cdOffset
        ? `${frame.cdOffset - expected} bytes between the last entry and the central directory belong to no entry`
        : 'its last entry overlaps the central directory',
    );
  }
  return spans;
}

/** The local header: signature, name, method, flags and (without a descriptor) sizes and CRC. */
function checkLocalHeader(file: string, bytes: Buffer, r: ZipRecord): DataSpan {
  const at = r.localHeaderOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== SIG.local) {
    throw corrupt(
      file,
      `entry "${printable(r.path)}" has no local header where the directory says`,
      r.path,
    );
  }
  const flags = bytes.readUInt16LE(at + 6);
  const nameLength = bytes.readUInt16LE(at + 26);
  const extraLength = bytes.readUInt16LE(at + 28);
  const start = at + 30 + nameLength + extraLength;
  if (start > bytes.length) {
    throw corrupt(file, `entry "${printable(r.path)}" runs past the end of the file`, r.path);
  }
  if (!bytes.subarray(at + 30, at + 30 + nameLength).equals(r.rawName)) {
    throw corrupt(
      file,
      `entry "${printable(r.path)}" has a different name in its local header`,
      r.path,
    );
  }
  if (bytes.readUInt16LE(at + 8) !== r.method || (flags & 0x0849) !== (r.flags & 0x0849)) {
    throw corrupt(
      file,
      `entry "${printable(r.path)}" has a different method or flags in its local header`,
      r.path,
    );
  }
  const end = start + r.compressedSize;
  if (end > bytes.length) {
    throw corrupt(file, `entry "${printable(r.path)}" runs past the end of the file`, r.path);
  }
  if (r.method === 0 && r.compressedSize !== r.uncompressedSize) {
    throw corrupt(file, `stored entry "${printable(r.path)}" has two different sizes`, r.path);
  }
  const extra = bytes.subarray(at + 30 + nameLength, start);
  const local = {
    crc32: bytes.readUInt32LE(at + 14),
    compressedSize: bytes.readUInt32LE(at + 18),
    uncompressedSize: bytes.readUInt32LE(at + 22),
  };
  // The zip64 field holds, in order, only the sizes whose 32-bit field is 0xffffffff.
  const zip64 = zip64Sizes(extra) ?? [];
  if (local.uncompressedSize === 0xffffffff) local.uncompressedSize = zip64.shift() ?? -1;
  if (local.compressedSize === 0xffffffff) local.compressedSize = zip64.shift() ?? -1;
  const zero = local.crc32 === 0 && local.compressedSize === 0 && local.uncompressedSize === 0;
  // With a data descriptor the local fields may be zero (they were unknown when it was written).
  if (!(r.flags & HAS_DESCRIPTOR && zero) && !matches(local, r)) {
    throw mismatch(file, r, 'local header', local);
  }
  return { start, end };
}

/**
 * Length of the data descriptor after a record's data (0 without one). Its signature is
 * optional and its sizes are 8 bytes when the local header has a zip64 field: the layouts that
 * agree with the directory win; none agreeing is a mismatch.
 */
function descriptorLength(file: string, bytes: Buffer, r: ZipRecord, span: DataSpan): number {
  if (!(r.flags & HAS_DESCRIPTOR)) return 0;
  const at = r.localHeaderOffset;
  const extra = bytes.subarray(at + 30 + bytes.readUInt16LE(at + 26), span.start);
  const wide = zip64Sizes(extra) !== undefined;
  const body = wide ? 20 : 12;
  const layouts =
    bytes.readUInt32LE(Math.min(span.end, bytes.length - 4)) === SIG.descriptor ? [4, 0] : [0];
  let first: { crc32: number; compressedSize: number; uncompressedSize: number } | undefined;
  for (const skip of layouts) {
    const d = span.end + skip;
    if (d + body > bytes.length) continue;
    const found = {
      crc32: bytes.readUInt32LE(d),
      compressedSize: wide ? Number(bytes.readBigUInt64LE(d + 4)) : bytes.readUInt32LE(d + 4),
      uncompressedSize: wide ? Number(bytes.readBigUInt64LE(d + 12)) : bytes.readUInt32LE(d + 8),
    };
    if (matches(found, r)) return skip + body;
    first ??= found;
  }
  if (!first) {
    throw corrupt(file, `the data descriptor of "${printable(r.path)}" runs past the end`, r.path);
  }
  throw mismatch(file, r, 'data descriptor', first);
}

/** The sizes of a zip64 extended-information extra field (uncompressed, compressed), if any. */
function zip64Sizes(extra: Buffer): number[] | undefined {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const size = extra.readUInt16LE(i + 2);
    if (id === ZIP64_EXTRA) {
      const sizes: number[] = [];
      for (let j = i + 4; j + 8 <= Math.min(i + 4 + size, extra.length, i + 20); j += 8) {
        sizes.push(Number(extra.readBigUInt64LE(j)));
      }
      return sizes;
    }
    i += 4 + size;
  }
  return undefined;
}

interface Sizes {
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
}

function matches(a: Sizes, r: ZipRecord): boolean {
  return (
    a.crc32 >>> 0 === r.crc32 &&
    a.compressedSize === r.compressedSize &&
    a.uncompressedSize === r.uncompressedSize
  );
}

function mismatch(file: string, r: ZipRecord, where: string, found: Sizes): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CAR_DATA_DESCRIPTOR_MISMATCH',
    `Entry "${printable(r.path)}" in ${file}: its ${where} says ${found.compressedSize} → ${found.uncompressedSize} bytes, CRC-32 ${hex(found.crc32)}, but the central directory says ${r.compressedSize} → ${r.uncompressedSize} bytes, CRC-32 ${hex(r.crc32)}; streaming and directory readers would disagree. Re-pack it with "chassis car pack"`,
    {
      details: {
        file,
        entry: r.path,
        where,
        found: { ...found, crc32: found.crc32 >>> 0 },
        directory: {
          crc32: r.crc32,
          compressedSize: r.compressedSize,
          uncompressedSize: r.uncompressedSize,
        },
      },
    },
  );
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
