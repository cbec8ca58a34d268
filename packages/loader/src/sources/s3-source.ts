import type { Readable } from 'node:stream';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { ChassisError } from '@chassis/kernel';
import { downloadSignal, streamToFile, tooLarge } from './download.js';
import type { SourceDefaults } from './file-source.js';
import { loadS3Sdk } from './s3-sdk.js';
import type { CarRef, CarSource, DownloadOptions } from './source.js';

/** How to reach the bucket (any S3-compatible store). */
export interface S3SourceOptions {
  /** e.g. `http://127.0.0.1:9000` for an S3-compatible server. Default: AWS. */
  readonly endpoint?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Path-style addressing (`endpoint/bucket/key`); most S3-compatible servers need it. */
  readonly forcePathStyle?: boolean;
  /** Static credentials; otherwise the SDK's default provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** A ready client (overrides everything above). */
  readonly client?: S3Client;
}

/**
 * `s3://bucket/prefix`: every object under the prefix whose key ends in `.car`.
 * `@aws-sdk/client-s3` is imported on the first list/download (an optional peer dependency).
 */
export class S3Source implements CarSource {
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly config: S3ClientConfig;
  private clientP: Promise<S3Client> | undefined;

  constructor(
    url: string,
    options: S3SourceOptions = {},
    private readonly defaults: SourceDefaults = {},
  ) {
    const u = new URL(url);
    this.bucket = u.hostname;
    const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
    this.prefix = path === '' || path.endsWith('/') ? path : `${path}/`;
    const config: S3ClientConfig = {
      region: options.region ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
      // S3-compatible servers do not all speak the SDK's default CRC checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    this.config = config;
    if (options.client) this.clientP = Promise.resolve(options.client);
  }

  /** The client, made on first use so that the SDK is only loaded when S3 is really used. */
  private client(): Promise<S3Client> {
    this.clientP ??= loadS3Sdk().then((sdk) => new sdk.S3Client(this.config));
    return this.clientP;
  }

  async list(): Promise<CarRef[]> {
    const refs: CarRef[] = [];
    let token: string | undefined;
    const sdk = await loadS3Sdk();
    const client = await this.client();
    try {
      do {
        const page = await client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix,
            ContinuationToken: token,
          }),
        );
        for (const o of page.Contents ?? []) {
          if (!o.Key?.endsWith('.car')) continue;
          refs.push({
            name: o.Key.slice(this.prefix.length),
            url: `s3://${this.bucket}/${o.Key}`,
            ...(o.Size === undefined ? {} : { size: o.Size }),
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (cause) {
      throw this.unreachable(`list s3://${this.bucket}/${this.prefix}`, cause);
    }
    return refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async download(ref: CarRef, destFile: string, opts: DownloadOptions = {}): Promise<void> {
    const maxBytes = opts.maxBytes ?? this.defaults.maxBytes;
    const u = new URL(ref.url);
    const key = decodeURIComponent(u.pathname.replace(/^\//, ''));
    const signal = downloadSignal(ref.url, {
      timeoutMs: opts.timeoutMs ?? this.defaults.timeoutMs,
      signal: opts.signal,
    });
    let body: Readable;
    const sdk = await loadS3Sdk();
    const client = await this.client();
    try {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: u.hostname, Key: key }), {
        abortSignal: signal,
      });
      if (
        maxBytes !== undefined &&
        res.ContentLength !== undefined &&
        res.ContentLength > maxBytes
      ) {
        (res.Body as Readable | undefined)?.destroy();
        throw tooLarge(ref.url, maxBytes, res.ContentLength);
      }
      body = res.Body as Readable;
    } catch (cause) {
      if (ChassisError.is(cause)) throw cause;
      if (ChassisError.is(signal.reason)) throw signal.reason;
      throw this.unreachable(`get ${ref.url}`, cause);
    }
    await streamToFile(ref.url, body, destFile, { maxBytes, signal, sha256: ref.sha256 });
  }

  private unreachable(what: string, cause: unknown): ChassisError {
    return new ChassisError(
      'CHASSIS_E_LOADER_SOURCE_UNREACHABLE',
      `cannot ${what}: ${(cause as Error)?.message ?? String(cause)}`,
      { details: { bucket: this.bucket, prefix: this.prefix }, cause },
    );
  }
}
