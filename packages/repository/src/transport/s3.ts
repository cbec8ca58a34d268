import type { Readable } from 'node:stream';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { ChassisError } from '@chassis/kernel';
import { loadS3Sdk } from './s3-sdk.js';
import { notFound, Transport } from './transport.js';

/** How to reach an S3(-compatible) store. */
export interface S3TransportOptions {
  /** Custom endpoint (MinIO, Ceph, a test server). */
  readonly endpoint?: string;
  readonly region?: string;
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible servers. */
  readonly forcePathStyle?: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Per-request timeout. */
  readonly timeoutMs?: number;
}

/** Splits `s3://bucket/key` into bucket and key. */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const u = new URL(url);
  if (u.protocol !== 's3:' || !u.hostname) {
    throw new ChassisError('CHASSIS_E_REPO_URL_INVALID', `Not an s3://bucket/prefix URL: ${url}`, {
      details: { url },
    });
  }
  return { bucket: u.hostname, key: decodeURIComponent(u.pathname.replace(/^\/+/, '')) };
}

/**
 * Reads a repository from an S3 bucket/prefix (`s3://bucket/prefix/`).
 * `@aws-sdk/client-s3` is imported on the first read (an optional peer dependency).
 */
export class S3Transport extends Transport {
  private readonly config: S3ClientConfig;
  private client: S3Client | undefined;
  private readonly timeoutMs: number;

  constructor(options: S3TransportOptions = {}) {
    super();
    const config: S3ClientConfig = {
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    };
    this.config = config;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  protected async open(url: string): Promise<NodeJS.ReadableStream> {
    const { bucket, key } = parseS3Url(url);
    const sdk = await loadS3Sdk();
    this.client ??= new sdk.S3Client(this.config);
    try {
      const out = await this.client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!out.Body) throw notFound(url);
      return out.Body as Readable;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      if (e.name === 'NoSuchKey' || e.name === 'NotFound' || status === 404 || status === 403) {
        throw notFound(url, status === 403 ? 403 : 404);
      }
      if (ChassisError.is(err) || (err as Error).name === 'DownloadHTTPError') throw err;
      throw new ChassisError(
        'CHASSIS_E_REPO_TRANSPORT',
        `Cannot read ${url}: ${(err as Error).message}`,
        {
          details: { url },
          cause: err,
        },
      );
    }
  }

  override close(): void {
    this.client?.destroy();
    this.client = undefined;
  }
}
