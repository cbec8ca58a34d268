import { createHash } from 'node:crypto';
import { symlinkSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ChassisError } from '@chassis/kernel';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempRoot } from '../__fixtures__/make-driver.js';
import { createSource } from './create-source.js';

const A = Buffer.from('pretend this is a CAR (a)');
const B = Buffer.alloc(64 * 1024, 7);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return ChassisError.is(err) ? err.code : `not a ChassisError: ${String(err)}`;
  }
}

let root: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  root = await tempRoot();
});
afterAll(() => root.cleanup());

async function emptyDir(name: string): Promise<string> {
  const d = join(root.dir, name);
  await mkdir(d, { recursive: true });
  return d;
}

describe('file: source', () => {
  it('lists *.car files and downloads them', async () => {
    const src = await emptyDir('file-src');
    await writeFile(join(src, 'b.car'), B);
    await writeFile(join(src, 'a.car'), A);
    await writeFile(join(src, 'notes.txt'), 'x');
    const source = createSource(pathToFileURL(src).href);
    const refs = await source.list();
    expect(refs.map((r) => [r.name, r.size])).toEqual([
      ['a.car', A.length],
      ['b.car', B.length],
    ]);
    const out = await emptyDir('file-out');
    await source.download(refs[0], join(out, 'a.car'));
    expect(await readFile(join(out, 'a.car'))).toEqual(A);
    expect(await codeOf(source.download(refs[1], join(out, 'b.car'), { maxBytes: 10 }))).toBe(
      'CHASSIS_E_LOADER_DOWNLOAD_TOO_LARGE',
    );
    expect(await readdir(out)).toEqual(['a.car']);
    expect(createSource(src)).toBeDefined();
  });

  it('skips a CAR gone since the listing, but never one it cannot read', async () => {
    const src = await emptyDir('file-src-unreadable');
    await writeFile(join(src, 'a.car'), A);
    symlinkSync(join(src, 'gone'), join(src, 'dangling.car'));
    const source = createSource(pathToFileURL(src).href);
    expect((await source.list()).map((r) => r.name)).toEqual(['a.car']);
    // A link to itself exists but cannot be read, even by root (ELOOP).
    symlinkSync(join(src, 'loop.car'), join(src, 'loop.car'));
    expect(await codeOf(source.list())).toBe('CHASSIS_E_LOADER_FILE_UNREADABLE');
  });

  it('refuses unknown schemes and unreadable directories', async () => {
    expect(() => createSource('ftp://x/y')).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_LOADER_SOURCE_UNSUPPORTED' }),
    );
    expect(await codeOf(createSource('file:///no/such/dir/anywhere').list())).toBe(
      'CHASSIS_E_LOADER_SOURCE_UNREACHABLE',
    );
  });
});

describe('http: source', () => {
  let server: Server;
  let base: string;
  let mode: 'index' | 'listing' = 'index';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/cars/index.json' && mode === 'index') {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            cars: [
              { name: 'a.car', url: 'a.car', size: A.length, sha256: sha(A) },
              { name: 'b.car', url: 'files/b.car', size: B.length },
              { name: 'lying.car', url: 'a.car', sha256: sha(B) },
            ],
          }),
        );
      } else if (url === '/cars/' && mode === 'listing') {
        res.end('<html><a href="a.car">a.car</a> <a href="files/b.car">b</a></html>');
      } else if (url === '/cars/a.car') res.end(A);
      else if (url === '/cars/files/b.car') res.end(B);
      else if (url === '/cars/chunked-big.car') {
        // No content-length: the cap must be enforced while streaming.
        let sent = 0;
        const tick = () => {
          if (sent > 200_000 || res.destroyed) return res.end();
          sent += 16_384;
          res.write(Buffer.alloc(16_384));
          setImmediate(tick);
        };
        tick();
      } else if (url === '/cars/stall.car') {
        res.setHeader('content-length', '1000000');
        res.write(Buffer.alloc(1000));
        // Never finishes: the timeout must fire and the partial file must go.
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cars`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('lists from index.json and checks digests', async () => {
    mode = 'index';
    const source = createSource(base);
    const refs = await source.list();
    expect(refs.map((r) => r.name)).toEqual(['a.car', 'b.car', 'lying.car']);
    const out = await emptyDir('http-out');
    await source.download(refs[0], join(out, 'a.car'));
    await source.download(refs[1], join(out, 'b.car'));
    expect(await readFile(join(out, 'b.car'))).toEqual(B);
    expect(await codeOf(source.download(refs[2], join(out, 'lying.car')))).toBe(
      'CHASSIS_E_LOADER_DOWNLOAD_DIGEST_MISMATCH',
    );
    expect((await readdir(out)).sort()).toEqual(['a.car', 'b.car']);
  });

  it('falls back to the HTML directory listing', async () => {
    mode = 'listing';
    const refs = await createSource(`${base}/`).list();
    expect(refs.map((r) => [r.name, r.url])).toEqual([
      ['a.car', `${base}/a.car`],
      ['b.car', `${base}/files/b.car`],
    ]);
  });

  it('caps sizes (declared and streamed) and times out, leaving nothing behind', async () => {
    const source = createSource(base, { timeoutMs: 5000 });
    const out = await emptyDir('http-limits');
    const ref = (name: string) => ({ name, url: `${base}/${name}` });
    expect(
      await codeOf(source.download(ref('files/b.car'), join(out, 'b.car'), { maxBytes: 100 })),
    ).toBe('CHASSIS_E_LOADER_DOWNLOAD_TOO_LARGE');
    expect(
      await codeOf(
        source.download(ref('chunked-big.car'), join(out, 'big.car'), { maxBytes: 50_000 }),
      ),
    ).toBe('CHASSIS_E_LOADER_DOWNLOAD_TOO_LARGE');
    expect(
      await codeOf(source.download(ref('stall.car'), join(out, 'stall.car'), { timeoutMs: 200 })),
    ).toBe('CHASSIS_E_LOADER_DOWNLOAD_TIMEOUT');
    expect(await codeOf(source.download(ref('missing.car'), join(out, 'm.car')))).toBe(
      'CHASSIS_E_LOADER_SOURCE_UNREACHABLE',
    );
    expect(await readdir(out)).toEqual([]);
  });
});

describe('s3: source (against s3rver on 127.0.0.1)', () => {
  let s3: S3rver;
  let endpoint: string;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

  beforeAll(async () => {
    s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: await emptyDir('s3-data'),
    });
    const { port } = await s3.run();
    endpoint = `http://127.0.0.1:${port}`;
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await client.send(new CreateBucketCommand({ Bucket: 'cars' }));
    for (const [Key, Body] of [
      ['drivers/a.car', A],
      ['drivers/b.car', B],
      ['drivers/readme.txt', Buffer.from('x')],
      ['other/c.car', A],
    ] as const) {
      await client.send(new PutObjectCommand({ Bucket: 'cars', Key, Body }));
    }
    client.destroy();
  });
  afterAll(() => s3.close());

  it('lists .car objects under the prefix and downloads them with a cap', async () => {
    const source = createSource('s3://cars/drivers', {
      s3: { endpoint, forcePathStyle: true, credentials },
    });
    const refs = await source.list();
    expect(refs).toEqual([
      { name: 'a.car', url: 's3://cars/drivers/a.car', size: A.length },
      { name: 'b.car', url: 's3://cars/drivers/b.car', size: B.length },
    ]);
    const out = await emptyDir('s3-out');
    await source.download(refs[1], join(out, 'b.car'));
    expect(await readFile(join(out, 'b.car'))).toEqual(B);
    expect(await codeOf(source.download(refs[0], join(out, 'a.car'), { maxBytes: 5 }))).toBe(
      'CHASSIS_E_LOADER_DOWNLOAD_TOO_LARGE',
    );
    expect(
      await codeOf(
        source.download({ name: 'x.car', url: 's3://cars/drivers/x.car' }, join(out, 'x.car')),
      ),
    ).toBe('CHASSIS_E_LOADER_SOURCE_UNREACHABLE');
    expect(await readdir(out)).toEqual(['b.car']);
  });

  it('reports an unreachable endpoint', async () => {
    const source = createSource('s3://cars/drivers', {
      s3: { endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials },
      timeoutMs: 2000,
    });
    expect(await codeOf(source.list())).toBe('CHASSIS_E_LOADER_SOURCE_UNREACHABLE');
  });
});
