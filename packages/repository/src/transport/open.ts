import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ChassisError } from '@chassis/kernel';
import { FileTransport } from './file.js';
import { HttpTransport } from './http.js';
import { S3Transport, type S3TransportOptions } from './s3.js';
import type { Transport } from './transport.js';

/** Options for reaching a repository. */
export interface TransportOptions {
  /** S3 settings for `s3://` URLs. */
  readonly s3?: S3TransportOptions;
  /** Per-request timeout for HTTP(S). */
  readonly timeoutMs?: number;
}

/** A repository location: base URL (trailing slash) and the transport that reads it. */
export interface RepositoryLocation {
  readonly kind: 'file' | 'http' | 's3';
  readonly baseUrl: string;
  readonly transport: Transport;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * Resolves a repository URL: a local path or `file:` URL, `http(s)://`, or
 * `s3://bucket/prefix`. Anything else is refused.
 */
export function openRepositoryLocation(
  url: string,
  options: TransportOptions = {},
): RepositoryLocation {
  if (/^https?:\/\//i.test(url)) {
    return {
      kind: 'http',
      baseUrl: withSlash(url),
      transport: new HttpTransport(options.timeoutMs),
    };
  }
  if (/^s3:\/\//i.test(url)) {
    return { kind: 's3', baseUrl: withSlash(url), transport: new S3Transport(options.s3) };
  }
  if (/^file:/i.test(url) || !/^[a-z][a-z0-9+.-]+:\/\//i.test(url)) {
    const dir = /^file:/i.test(url) ? fileURLToPath(url) : resolve(url);
    return {
      kind: 'file',
      baseUrl: withSlash(pathToFileURL(dir).href),
      transport: new FileTransport(dir),
    };
  }
  throw new ChassisError(
    'CHASSIS_E_REPO_URL_INVALID',
    `Unsupported repository URL ${url}: use a folder, file:, http(s):// or s3://bucket/prefix`,
    { details: { url } },
  );
}
