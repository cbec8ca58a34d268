import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) throw notFound(url);
    return createReadStream(file);
  }
}
