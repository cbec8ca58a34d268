import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TargetFile } from '@tufjs/models';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeOptions, tempRepository, writeFakeCar } from '../__fixtures__/fake-repo.js';
import { addCar } from '../repo/add.js';
import { Transport } from '../transport/transport.js';
import { RepositoryClient } from './client.js';
import { downloadTarget } from './download.js';

let dir: string;
let cleanup: () => Promise<void>;
let repo: string;
let keys: string;
let rootFile: string;

beforeEach(async () => {
  ({ dir, cleanup, repo, keys, rootFile } = await tempRepository());
});
afterEach(() => cleanup());

/** Publishes one CAR, then lets `tamper` rewrite its bytes in the repository. */
async function tampered(tamper: (bytes: Buffer) => Buffer) {
  const entry = await addCar(repo, await writeFakeCar(dir, { id: 'a.b', version: '1.0.0' }), {
    ...fakeOptions(keys),
  });
  const file = join(repo, entry.path);
  await writeFile(file, tamper(await readFile(file)));
  const c = new RepositoryClient({ url: repo, trustedRoot: rootFile, cacheDir: join(dir, 'c') });
  await c.refresh();
  const dest = join(dir, 'out', 'a.car');
  const err = await c.download('a.b', '1.0.0', dest).catch((e) => e);
  return { err, dest };
}

describe('RepositoryClient.download refuses a CAR that is not what was signed', () => {
  it.each([
    [
      'longer than signed (endless data)',
      'CHASSIS_E_REPO_TARGET_TOO_LARGE',
      (b: Buffer) => Buffer.concat([b, Buffer.from('x')]),
    ],
    ['shorter than signed', 'CHASSIS_E_REPO_TARGET_INVALID', (b: Buffer) => b.subarray(1)],
    [
      'same length, other bytes',
      'CHASSIS_E_REPO_TARGET_INVALID',
      (b: Buffer) => {
        const c = Buffer.from(b);
        c[c.length - 1] ^= 1;
        return c;
      },
    ],
  ])('%s → %s, and leaves nothing at the destination', async (_what, code, tamper) => {
    const { err, dest } = await tampered(tamper);
    expect(err.code).toBe(code);
    expect(await readdir(join(dest, '..'))).toEqual([]);
  });
});

/** A transport serving one stream, for the unit cases. */
class StreamTransport extends Transport {
  pulled = 0;
  constructor(private readonly make: (t: StreamTransport) => NodeJS.ReadableStream) {
    super();
  }
  protected async open(): Promise<NodeJS.ReadableStream> {
    return this.make(this);
  }
}

const target = (bytes: Buffer, hashes?: Record<string, string>) =>
  new TargetFile({
    path: 'cars/x.car',
    length: bytes.length,
    hashes: hashes ?? {
      sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    },
  });

describe('downloadTarget', () => {
  it('writes the bytes when length and every hash match', async () => {
    const bytes = Buffer.from('hello world');
    const file = join(dir, 'ok.bin');
    await downloadTarget(
      new StreamTransport(() => Readable.from([bytes])),
      'file:///x',
      target(bytes),
      file,
    );
    expect(await readFile(file)).toEqual(bytes);
  });

  it('stops reading an endless stream once it passes the signed length', async () => {
    const t = new StreamTransport(
      (self) =>
        new Readable({
          read() {
            self.pulled++;
            this.push(Buffer.alloc(1024, 1));
          },
        }),
    );
    const err = await downloadTarget(
      t,
      'file:///x',
      target(Buffer.alloc(4096)),
      join(dir, 'e.bin'),
    ).catch((e) => e);
    expect(err.message).toMatch(/Max length reached/);
    expect(t.pulled).toBeLessThan(64);
  });

  it('refuses a hash algorithm it does not know before fetching anything', async () => {
    let fetched = false;
    const t = new StreamTransport(() => {
      fetched = true;
      return Readable.from([]);
    });
    const err = await downloadTarget(
      t,
      'file:///x',
      target(Buffer.alloc(1), { 'no-such-hash': 'ab' }),
      join(dir, 'h.bin'),
    ).catch((e) => e);
    expect(err.message).toMatch(/Hash algorithm no-such-hash not supported/);
    expect(fetched).toBe(false);
  });
});
