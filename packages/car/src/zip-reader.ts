import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
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

/** What {@link readSafeZip} returns: the archive's own digest and its checked file entries. */
export interface SafeZip {
  /** Hex SHA-256 of the whole archive file. */
  readonly sha256: string;
  readonly size: number;
  /** File entries (no directories) in archive order. */
  readonly entries: SafeEntry[];
}

type ZipFile = unzipper.File;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * Reads a zip fully into memory and checks it before and while inflating: entry count, paths
 * (zip slip), symlinks, encryption, layout, name collisions, declared sizes and ratios, then
 * the real inflated sizes and CRC-32s. Nothing is written anywhere.
 */
export async function readSafeZip(file: string, limits: CarLimits): Promise<SafeZip> {
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
  const entries: SafeEntry[] = [];
  for (const f of files) {
    if (isDirectory(f)) continue;
    entries.push(await inflateEntry(file, f, limits));
  }
  return { sha256, size, entries };
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
    if (f.path === DESCRIPTOR_PATH && declared > limits.maxDescriptorBytes) {
      throw new ChassisError(
        'CHASSIS_E_CAR_DESCRIPTOR_TOO_LARGE',
        `driver.yaml in ${file} is ${declared} bytes, over the ${limits.maxDescriptorBytes}-byte cap`,
        { details: { file, size: declared, max: limits.maxDescriptorBytes } },
      );
    }
  }
}

/** Inflates one entry, refusing more bytes than declared, fewer bytes, or a CRC-32 mismatch. */
async function inflateEntry(file: string, f: ZipFile, _limits: CarLimits): Promise<SafeEntry> {
  const declared = f.uncompressedSize;
  const chunks: Buffer[] = [];
  let got = 0;
  let crc = 0;
  const hash = createHash('sha256');
  try {
    await new Promise<void>((resolve, reject) => {
      const stream = f.stream();
      stream.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got > declared) {
          stream.destroy();
          reject(new Error(`expands beyond its declared ${declared} bytes`));
          return;
        }
        chunks.push(chunk);
        hash.update(chunk);
        crc = crc32(chunk, crc);
      });
      stream.on('error', reject);
      stream.on('end', resolve);
    });
  } catch (cause) {
    throw corrupt(
      file,
      `entry "${printable(f.path)}" cannot be inflated (${describe(cause)})`,
      f.path,
      cause,
    );
  }
  if (got !== declared) {
    throw corrupt(
      file,
      `entry "${printable(f.path)}" has ${got} bytes, not the ${declared} declared`,
      f.path,
    );
  }
  if (crc >>> 0 !== (f as unknown as { crc32: number }).crc32 >>> 0) {
    throw corrupt(file, `entry "${printable(f.path)}" fails its CRC-32 check`, f.path);
  }
  return { path: f.path, data: Buffer.concat(chunks, got), sha256: hash.digest('base64') };
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
