import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import { ChassisError } from '@chassis/kernel';
import unzipper from 'unzipper';
import {
  assertLayout,
  assertNoCollisions,
  assertSafePath,
  DESCRIPTOR_PATH,
  printable,
} from './layout.js';
import { type CarLimits, RATIO_EXEMPT_BYTES } from './limits.js';

/** A file entry of a CAR after every safety check, with its bytes in memory. */
export interface SafeEntry {
  readonly path: string;
  readonly data: Buffer;
  /** Base64 SHA-256 of `data` (the MANIFEST.MF form). */
  readonly sha256: string;
}

/** Lets a caller act once the directory passed its checks, and on each checked entry. */
export interface SafeZipHooks {
  /** Called once, after every central-directory check and before any entry is inflated. */
  readonly prepare?: (filePaths: readonly string[]) => Promise<void>;
  /** Called with each inflated, size- and CRC-checked entry (a few at a time). */
  readonly sink?: (entry: SafeEntry) => Promise<void>;
}

/** What {@link readSafeZip} returns: the archive's own digest and its checked file entries. */
export interface SafeZip {
  /** Hex SHA-256 of the whole archive file. */
  readonly sha256: string;
  readonly size: number;
  /** File entries (no directories) in archive order. */
  readonly entries: SafeEntry[];
}

type ZipFile = unzipper.File;

const inflate = promisify(inflateRaw);
const LOCAL_HEADER = 0x04034b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const INFLATE_CONCURRENCY = 4;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * Reads a zip fully into memory and checks it before and while inflating: entry count, paths
 * (zip slip), symlinks, encryption, layout, name collisions, declared sizes and ratios, then
 * the real inflated sizes and CRC-32s. Nothing is written anywhere.
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
  const bytes = await readFile(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  assertZipFrame(file, bytes);
  let files: ZipFile[];
  let diskNumber = 0;
  try {
    const dir = await unzipper.Open.buffer(bytes);
    files = dir.files;
    diskNumber = (dir as unknown as { diskNumber: number }).diskNumber;
  } catch (cause) {
    throw corrupt(file, `its zip directory cannot be read (${describe(cause)})`, undefined, cause);
  }
  if (diskNumber !== 0) {
    throw new ChassisError('CHASSIS_E_CAR_UNSUPPORTED_ENTRY', `${file} is a multi-disk zip`, {
      details: { file },
    });
  }
  checkDirectory(file, files, limits);
  await hooks.prepare?.(files.filter((f) => !isDirectory(f)).map((f) => f.path));
  const entries: SafeEntry[] = new Array(files.length);
  let next = 0;
  // A few inflations at once keep the libuv pool busy without holding many partial buffers.
  let failed = false;
  const worker = async () => {
    while (next < files.length && !failed) {
      const i = next++;
      try {
        if (isDirectory(files[i])) continue;
        entries[i] = await inflateEntry(file, bytes, files[i]);
        await hooks.sink?.(entries[i]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(
    Array.from({ length: hooks.sink ? 2 * INFLATE_CONCURRENCY : INFLATE_CONCURRENCY }, worker),
  );
  return { sha256, size, entries: entries.filter((e) => e !== undefined) };
}

/**
 * The end-of-central-directory record must end the file exactly (after its comment) and, for
 * plain zips, follow the central directory without a gap: no trailing or smuggled bytes that
 * other zip readers might interpret differently.
 */
function assertZipFrame(file: string, bytes: Buffer): void {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) !== END_OF_CENTRAL_DIRECTORY) continue;
    if (at + 22 + bytes.readUInt16LE(at + 20) !== bytes.length) continue;
    const records = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 12);
    const offset = bytes.readUInt32LE(at + 16);
    const zip64 = records === 0xffff || size === 0xffffffff || offset === 0xffffffff;
    if (!zip64 && offset + size !== at) {
      throw corrupt(file, 'its central directory does not end where the end record begins');
    }
    return;
  }
  throw corrupt(
    file,
    'it has no end-of-central-directory record at its end (truncated, or bytes appended)',
  );
}

/** Every check the central directory allows, before a single byte is inflated. */
function checkDirectory(file: string, files: readonly ZipFile[], limits: CarLimits): void {
  if (files.length > limits.maxEntries) {
    throw new ChassisError(
      'CHASSIS_E_CAR_TOO_MANY_ENTRIES',
      `${file} has ${files.length} entries; the limit is ${limits.maxEntries}`,
      { details: { file, entries: files.length, max: limits.maxEntries } },
    );
  }
  for (const f of files) assertSafePath(f.path, file);
  for (const f of files) {
    const unixType = f.versionMadeBy >> 8 === 3 ? (f.externalFileAttributes >>> 16) & S_IFMT : 0;
    if (unixType === S_IFLNK) {
      throw new ChassisError(
        'CHASSIS_E_CAR_SYMLINK',
        `Entry "${printable(f.path)}" in ${file} is a symbolic link; CARs hold regular files only`,
        { details: { file, entry: f.path } },
      );
    }
    if (unixType !== 0 && unixType !== S_IFREG && unixType !== S_IFDIR) {
      throw unsupported(file, f.path, `is a special file (mode ${unixType.toString(8)})`);
    }
    if (f.flags & 0x41) {
      throw new ChassisError(
        'CHASSIS_E_CAR_ENCRYPTED',
        `Entry "${printable(f.path)}" in ${file} is encrypted; CARs are signed, never encrypted`,
        { details: { file, entry: f.path } },
      );
    }
  }
  for (const f of files) assertLayout(f.path, file);
  assertNoCollisions(
    files.map((f) => f.path),
    file,
  );
  let total = 0;
  for (const f of files) {
    if (isDirectory(f)) continue;
    if (f.compressionMethod !== 0 && f.compressionMethod !== 8) {
      throw unsupported(
        file,
        f.path,
        `uses compression method ${f.compressionMethod} (only stored and deflate)`,
      );
    }
    const declared = f.uncompressedSize;
    if (f.path === DESCRIPTOR_PATH && declared > limits.maxDescriptorBytes) {
      throw new ChassisError(
        'CHASSIS_E_CAR_DESCRIPTOR_TOO_LARGE',
        `driver.yaml in ${file} is ${declared} bytes, over the ${limits.maxDescriptorBytes}-byte cap`,
        { details: { file, size: declared, max: limits.maxDescriptorBytes } },
      );
    }
    if (declared > limits.maxEntryBytes) {
      throw tooLarge(
        file,
        `entry "${printable(f.path)}" expands to ${declared} bytes; the per-entry limit is ${limits.maxEntryBytes}`,
        f.path,
      );
    }
    total += declared;
    if (total > limits.maxTotalBytes) {
      throw tooLarge(file, `its entries expand to more than ${limits.maxTotalBytes} bytes`, f.path);
    }
    if (declared >= RATIO_EXEMPT_BYTES) {
      const ratio = declared / Math.max(1, f.compressedSize);
      if (ratio > limits.maxCompressionRatio) {
        throw new ChassisError(
          'CHASSIS_E_CAR_COMPRESSION_RATIO',
          `Entry "${printable(f.path)}" in ${file} expands ${Math.round(ratio)}× (limit ${limits.maxCompressionRatio}×); refusing a likely zip bomb`,
          { details: { file, entry: f.path, ratio, max: limits.maxCompressionRatio } },
        );
      }
    }
  }
}

/**
 * Inflates one entry from the archive bytes at the offset the central directory gives, with
 * the output capped one byte past the declared size; refuses a local header that disagrees with
 * the central directory, data past the end of the file, a size other than declared, or a bad
 * CRC-32. Inflating runs on the libuv pool, so large entries do not block the event loop.
 */
async function inflateEntry(file: string, bytes: Buffer, f: ZipFile): Promise<SafeEntry> {
  const declared = f.uncompressedSize;
  const at = f.offsetToLocalFileHeader;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL_HEADER) {
    throw corrupt(
      file,
      `entry "${printable(f.path)}" has no local header where the directory says`,
      f.path,
    );
  }
  const nameLength = bytes.readUInt16LE(at + 26);
  const extraLength = bytes.readUInt16LE(at + 28);
  const localName = bytes.subarray(at + 30, at + 30 + nameLength);
  if (!localName.equals((f as unknown as { pathBuffer: Buffer }).pathBuffer)) {
    throw corrupt(
      file,
      `entry "${printable(f.path)}" has a different name in its local header`,
      f.path,
    );
  }
  const start = at + 30 + nameLength + extraLength;
  const end = start + f.compressedSize;
  if (end > bytes.length) {
    throw corrupt(file, `entry "${printable(f.path)}" runs past the end of the file`, f.path);
  }
  const raw = bytes.subarray(start, end);
  let data: Buffer;
  if (f.compressionMethod === 0) {
    data = raw;
  } else {
    try {
      data = await inflate(raw, { maxOutputLength: Math.max(1, declared + 1) });
    } catch (cause) {
      const tooBig = (cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw corrupt(
        file,
        tooBig
          ? `entry "${printable(f.path)}" expands beyond its declared ${declared} bytes`
          : `entry "${printable(f.path)}" cannot be inflated (${describe(cause)})`,
        f.path,
        cause,
      );
    }
  }
  if (data.length !== declared) {
    throw corrupt(
      file,
      `entry "${printable(f.path)}" has ${data.length} bytes, not the ${declared} declared`,
      f.path,
    );
  }
  if (crc32(data) >>> 0 !== (f as unknown as { crc32: number }).crc32 >>> 0) {
    throw corrupt(file, `entry "${printable(f.path)}" fails its CRC-32 check`, f.path);
  }
  return { path: f.path, data, sha256: createHash('sha256').update(data).digest('base64') };
}

function isDirectory(f: ZipFile): boolean {
  return f.path.endsWith('/');
}

async function fileSize(file: string): Promise<number> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a regular file');
    return s.size;
  } catch (cause) {
    throw new ChassisError(
      'CHASSIS_E_CAR_NOT_FOUND',
      `CAR file ${file} does not exist or is not a file`,
      {
        details: { file },
        cause,
      },
    );
  }
}

function corrupt(file: string, why: string, entry?: string, cause?: unknown): ChassisError {
  return new ChassisError('CHASSIS_E_CAR_CORRUPT', `${file} is truncated or corrupt: ${why}`, {
    details: { file, ...(entry ? { entry } : {}) },
    ...(cause ? { cause } : {}),
  });
}

function tooLarge(file: string, why: string, entry: string): ChassisError {
  return new ChassisError('CHASSIS_E_CAR_TOO_LARGE', `${file}: ${why}`, {
    details: { file, entry },
  });
}

function unsupported(file: string, entry: string, why: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CAR_UNSUPPORTED_ENTRY',
    `Entry "${printable(entry)}" in ${file} ${why}`,
    {
      details: { file, entry },
    },
  );
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
