import { ChassisError } from '@chassis/kernel';
import { corrupt } from './errors.js';

/** Signatures of the zip records the frame is made of. */
export const SIG = Object.freeze({
  local: 0x04034b50,
  central: 0x02014b50,
  end: 0x06054b50,
  zip64End: 0x06064b50,
  zip64Locator: 0x07064b50,
  descriptor: 0x08074b50,
});

/** Where the central directory is, and how many records it declares. */
export interface ZipFrame {
  /** Offset of the first central-directory record. */
  readonly cdOffset: number;
  /** Offset where the central directory must end (the end record, or the zip64 end record). */
  readonly cdEnd: number;
  /** Records the end-of-central-directory record declares. */
  readonly count: number;
}

const END_SIZE = 22;
const LOCATOR_SIZE = 20;

/**
 * Reads the outer frame of a zip and refuses every way of hiding bytes in it: the end record must
 * be the last end signature in the file and end it exactly (after its comment); the central
 * directory must run from its offset to the end record with no gap. Bytes in front of the
 * archive (a self-extractor stub) are `CHASSIS_E_CAR_PREFIX_BYTES`; a declared record count that
 * disagrees with the records present (a hidden entry only some readers list) is
 * `CHASSIS_E_CAR_ENTRY_COUNT_MISMATCH`.
 */
export function readZipFrame(file: string, bytes: Buffer): ZipFrame {
  const at = findEnd(file, bytes);
  if (bytes.readUInt16LE(at + 4) !== 0 || bytes.readUInt16LE(at + 6) !== 0) {
    throw multiDisk(file);
  }
  const onDisk = bytes.readUInt16LE(at + 8);
  let count = bytes.readUInt16LE(at + 10);
  let size = bytes.readUInt32LE(at + 12);
  let offset = bytes.readUInt32LE(at + 16);
  let cdEnd = at;
  if (onDisk !== count)
    throw countMismatch(file, count, onDisk, 'the two counts of the end record');
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const z = readZip64End(file, bytes, at);
    ({ count, size, offset } = z);
    cdEnd = z.at;
  }
  const actualStart = cdEnd - size;
  if (actualStart < 0 || offset > actualStart) {
    throw corrupt(file, 'its central directory does not fit before the end record');
  }
  if (offset < actualStart) {
    // The directory is where its size says, but its offset is short: the zip was appended to
    // something (offsets relative to the zip, not the file) — a self-extractor, or a gap.
    if (size === 0 || bytes.readUInt32LE(actualStart) === SIG.central) {
      throw prefixBytes(file, actualStart - offset);
    }
    throw corrupt(file, 'its central directory does not end where the end record begins');
  }
  const present = countRecords(file, bytes, offset, cdEnd);
  if (present !== count) {
    throw countMismatch(file, count, present, 'the records in its central directory');
  }
  return { cdOffset: offset, cdEnd, count };
}

/** The end record: the last end signature in the file, which must end the file exactly. */
function findEnd(file: string, bytes: Buffer): number {
  const lowest = Math.max(0, bytes.length - END_SIZE - 0xffff);
  for (let at = bytes.length - END_SIZE; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) !== SIG.end) continue;
    // Readers pick different candidates when a comment hides a second end record: only the
    // last one, ending the file exactly, is unambiguous.
    if (at + END_SIZE + bytes.readUInt16LE(at + 20) === bytes.length) return at;
    break;
  }
  throw corrupt(
    file,
    'it has no end-of-central-directory record at its end (truncated, or bytes appended)',
  );
}

/** The zip64 end record through its locator, which must sit right before the end record. */
function readZip64End(
  file: string,
  bytes: Buffer,
  end: number,
): { at: number; count: number; size: number; offset: number } {
  const loc = end - LOCATOR_SIZE;
  if (loc < 0 || bytes.readUInt32LE(loc) !== SIG.zip64Locator) {
    throw corrupt(file, 'its end record announces zip64 but no zip64 locator precedes it');
  }
  if (bytes.readUInt32LE(loc + 4) !== 0 || bytes.readUInt32LE(loc + 16) > 1) throw multiDisk(file);
  const at = safeNumber(file, bytes.readBigUInt64LE(loc + 8));
  if (at + 56 > loc || bytes.readUInt32LE(at) !== SIG.zip64End) {
    throw corrupt(file, 'its zip64 locator does not point at a zip64 end record');
  }
  if (at + 12 + safeNumber(file, bytes.readBigUInt64LE(at + 4)) !== loc) {
    throw corrupt(file, 'its zip64 end record does not end where the locator begins');
  }
  if (bytes.readUInt32LE(at + 16) !== 0 || bytes.readUInt32LE(at + 20) !== 0) throw multiDisk(file);
  const onDisk = safeNumber(file, bytes.readBigUInt64LE(at + 24));
  const count = safeNumber(file, bytes.readBigUInt64LE(at + 32));
  if (onDisk !== count) throw countMismatch(file, count, onDisk, 'the two zip64 counts');
  return {
    at,
    count,
    size: safeNumber(file, bytes.readBigUInt64LE(at + 40)),
    offset: safeNumber(file, bytes.readBigUInt64LE(at + 48)),
  };
}

/** Walks the central-directory records from `start`; they must tile it up to `end` exactly. */
function countRecords(file: string, bytes: Buffer, start: number, end: number): number {
  let n = 0;
  let at = start;
  while (at < end) {
    if (at + 46 > end || bytes.readUInt32LE(at) !== SIG.central) {
      throw corrupt(file, `its central directory holds something other than records at ${at}`);
    }
    at +=
      46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    n++;
  }
  if (at !== end) throw corrupt(file, 'its last central-directory record overruns the end record');
  return n;
}

function safeNumber(file: string, v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(file, 'a zip64 field is out of range');
  return Number(v);
}

function multiDisk(file: string): ChassisError {
  return new ChassisError('CHASSIS_E_CAR_UNSUPPORTED_ENTRY', `${file} is a multi-disk zip`, {
    details: { file },
  });
}

function countMismatch(file: string, declared: number, actual: number, what: string) {
  return new ChassisError(
    'CHASSIS_E_CAR_ENTRY_COUNT_MISMATCH',
    `${file} declares ${declared} entries in its end-of-central-directory record but ${what} say ${actual}; some zip readers would see an entry others hide. Re-pack it with "chassis car pack"`,
    { details: { file, declared, actual } },
  );
}

/** `CHASSIS_E_CAR_PREFIX_BYTES`, naming how many bytes precede the archive. */
export function prefixBytes(file: string, bytes: number): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CAR_PREFIX_BYTES',
    `${file} has ${bytes} bytes before its first local header (a self-extractor stub or other prefix the signature does not cover); a CAR must start with its first entry. Re-pack it with "chassis car pack"`,
    { details: { file, prefixBytes: bytes } },
  );
}
