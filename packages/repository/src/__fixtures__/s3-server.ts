import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import S3rver from 's3rver';
import type { S3TransportOptions } from '../transport/s3.js';
import { tempDir } from './fake-repo.js';

/** An s3rver on 127.0.0.1 with one bucket, plus a helper mirroring a folder into it. */
export interface TestS3 {
  readonly options: S3TransportOptions;
  readonly bucket: string;
  /** Replaces everything under `prefix` with the files of `dir`. */
  sync(dir: string, prefix: string): Promise<void>;
  close(): Promise<void>;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export async function startTestS3(bucket = 'chassis-repo'): Promise<TestS3> {
  const { dir, cleanup } = await tempDir('chassis-s3-');
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const options: S3TransportOptions = {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
  const client = new S3Client({
    ...options,
    credentials: options.credentials!,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    options,
    bucket,
    async sync(local, prefix) {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      const keys = (listed.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length) {
        await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
      }
      for (const file of await walk(local)) {
        const key = `${prefix}${relative(local, file).split('\\').join('/')}`;
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(file) }),
        );
      }
    },
    async close() {
      client.destroy();
      await server.close();
      await cleanup();
    },
  };
}
