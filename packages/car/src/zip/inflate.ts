import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import { printable } from '../layout.js';
import type { ZipRecord } from './directory.js';
import { corrupt, describe } from './errors.js';
import type { DataSpan } from './local.js';

/** A file entry of a CAR after every safety check, with its bytes in memory. */
export interface SafeEntry {
  readonly path: string;
  readonly data: Buffer;
  /** Base64 SHA-256 of `data` (the MANIFEST.MF form). */
  readonly sha256: string;
}

const inflate = promisify(inflateRaw);

/**
 * Inflates one checked record from the archive bytes with the output capped one byte past the
 * declared size; refuses bad deflate data, a size other than declared, or a bad CRC-32.
 * Inflating runs on the libuv pool, so large entries do not block the event loop.
 */
export async function inflateEntry(
  file: string,
  bytes: Buffer,
  r: ZipRecord,
  span: DataSpan,
): Promise<SafeEntry> {
  const declared = r.uncompressedSize;
  const raw = bytes.subarray(span.start, span.end);
  let data: Buffer;
  if (r.method === 0) {
    data = raw;
  } else {
    try {
      data = await inflate(raw, { maxOutputLength: Math.max(1, declared + 1) });
    } catch (cause) {
      const tooBig = (cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw corrupt(
        file,
        tooBig
          ? `entry "${printable(r.path)}" expands beyond its declared ${declared} bytes`
          : `entry "${printable(r.path)}" cannot be inflated (${describe(cause)})`,
        r.path,
        cause,
      );
    }
  }
  if (data.length !== declared) {
    throw corrupt(
      file,
      `entry "${printable(r.path)}" has ${data.length} bytes, not the ${declared} declared`,
      r.path,
    );
  }
  if (crc32(data) >>> 0 !== r.crc32) {
    throw corrupt(file, `entry "${printable(r.path)}" fails its CRC-32 check`, r.path);
  }
  return { path: r.path, data, sha256: createHash('sha256').update(data).digest('base64') };
}
