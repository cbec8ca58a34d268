import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChassisError } from '@chassis/kernel';
import { FileSource } from './file-source.js';
import { HttpSource } from './http-source.js';
import { S3Source, type S3SourceOptions } from './s3-source.js';
import type { CarSource } from './source.js';

/** Options of {@link createSource}. */
export interface CreateSourceOptions {
  readonly s3?: S3SourceOptions;
  /** Default size cap of every download from this source. */
  readonly maxBytes?: number;
  /** Default deadline of every download (and listing) from this source. */
  readonly timeoutMs?: number;
}

/**
 * A {@link CarSource} for `file:///dir` (or an absolute path), `http(s)://…/` or
 * `s3://bucket/prefix`. Other schemes: `CHASSIS_E_LOADER_SOURCE_UNSUPPORTED`.
 */
export function createSource(url: string, options: CreateSourceOptions = {}): CarSource {
  const defaults = { maxBytes: options.maxBytes, timeoutMs: options.timeoutMs };
  if (isAbsolute(url)) return new FileSource(pathToFileURL(url).href, defaults);
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    // Not a URL at all: refused below with CHASSIS_E_LOADER_SOURCE_UNSUPPORTED naming it.
    scheme = '';
  }
  switch (scheme) {
    case 'file:':
      return new FileSource(url, defaults);
    case 'http:':
    case 'https:':
      return new HttpSource(url, defaults);
    case 's3:':
      return new S3Source(url, options.s3, defaults);
    default:
      throw new ChassisError(
        'CHASSIS_E_LOADER_SOURCE_UNSUPPORTED',
        `source "${url}" is not a file:, http(s): or s3:// URL`,
        { details: { url } },
      );
  }
}
