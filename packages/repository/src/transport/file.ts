import { createReadStream } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statIfPresent } from '../repo/stat-present.js';
import { notFound, Transport } from './transport.js';

/** Reads a repository from a local folder (`file:` URLs), refusing paths outside it. */
export class FileTransport extends Transport {
  private readonly root: string;

  constructor(rootDir: string) {
    super();
    this.root = resolve(rootDir);
  }

  protected async open(url: string): Promise<NodeJS.ReadableStream> {
    const file = fileURLToPath(url);
    const rel = relative(this.root, file);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw notFound(url);
    // Only an absent file is a 404; a broken one is a typed error naming it.
    const st = await statIfPresent(file);
    if (!st?.isFile()) throw notFound(url);
    return createReadStream(file, { highWaterMark: chunkSize(st.size) });
  }
}

const MIN_CHUNK = 64 * 1024;
const MAX_CHUNK = 1024 * 1024;

/**
 * Read size for a file of `size` bytes. Node's 64 KiB default makes a 5 MB CAR 80 reads and 80
 * writes through the thread pool, which cost more than hashing it; 1 MiB reads cut a
 * download's I/O time by half or more. Small files (metadata) keep small buffers: a read
 * stream allocates its full chunk size for every read.
 */
export function chunkSize(size: number): number {
  return Math.min(Math.max(size, MIN_CHUNK), MAX_CHUNK);
}
