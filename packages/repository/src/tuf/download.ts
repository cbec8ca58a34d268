import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TargetFile } from '@tufjs/models';
import { LengthOrHashMismatchError } from '@tufjs/models/dist/error.js';
import { DownloadLengthMismatchError } from 'tuf-js/dist/error.js';
import type { Transport } from '../transport/transport.js';

/**
 * Streams a target from `transport` into `file` in one pass: the bytes are counted against the
 * signed length (the stream is cut as soon as it goes over: endless data) and hashed with every
 * signed algorithm on their way to disk; the file is only good when this resolves.
 *
 * This is what tuf-js `Updater.downloadTarget` checks, without its extra passes: it writes
 * the bytes to a temporary folder under the OS temp dir (awaiting every chunk's write), reads
 * that file back to hash it, copies it to the destination synchronously and deletes the
 * folder. The errors are tuf-js's own (`Max length reached`, `Expected length/hash …`), so
 * `mapTufError` reads them the same way.
 */
export async function downloadTarget(
  transport: Transport,
  url: string,
  target: TargetFile,
  file: string,
): Promise<void> {
  const digests = Object.entries(target.hashes).map(([algorithm, expected]) => ({
    expected,
    hash: hashFor(algorithm),
  }));
  const reader = await transport.fetch(url);
  let received = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      received += chunk.length;
      if (received > target.length) {
        done(new DownloadLengthMismatchError('Max length reached'));
        return;
      }
      for (const d of digests) d.hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(reader, check, createWriteStream(file));
  if (received !== target.length) {
    throw new LengthOrHashMismatchError(`Expected length ${target.length} but got ${received}`);
  }
  for (const { expected, hash } of digests) {
    const observed = hash.digest('hex');
    if (observed !== expected) {
      throw new LengthOrHashMismatchError(`Expected hash ${expected} but got ${observed}`);
    }
  }
}

function hashFor(algorithm: string): Hash {
  try {
    return createHash(algorithm);
  } catch {
    throw new LengthOrHashMismatchError(`Hash algorithm ${algorithm} not supported`);
  }
}
