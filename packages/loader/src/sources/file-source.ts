import { createReadStream, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ChassisError } from '@chassis/kernel';
import { downloadSignal, streamToFile, tooLarge } from './download.js';
import type { CarRef, CarSource, DownloadOptions } from './source.js';

/** Options shared by every source. */
export interface SourceDefaults {
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
}

/** `file:///dir`: every `*.car` file directly in the directory (not recursive). */
export class FileSource implements CarSource {
  private readonly dir: string;
  constructor(
    url: string,
    private readonly defaults: SourceDefaults = {},
  ) {
    this.dir = fileURLToPath(url);
  }

  async list(): Promise<CarRef[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (cause) {
      throw new ChassisError(
        'CHASSIS_E_LOADER_SOURCE_UNREACHABLE',
        `cannot list ${this.dir}: ${(cause as Error).message}`,
        { details: { url: pathToFileURL(this.dir).href }, cause },
      );
    }
    const refs: CarRef[] = [];
    for (const name of names.filter((n) => n.endsWith('.car')).sort()) {
      const s = await statIfPresent(join(this.dir, name));
      // Gone since the listing, or a folder named *.car: not a CAR of this source.
      if (!s?.isFile()) continue;
      refs.push({ name, url: pathToFileURL(join(this.dir, name)).href, size: s.size });
    }
    return refs;
  }

  async download(ref: CarRef, destFile: string, opts: DownloadOptions = {}): Promise<void> {
    const maxBytes = opts.maxBytes ?? this.defaults.maxBytes;
    const path = fileURLToPath(ref.url);
    const size = (await statIfPresent(path))?.size;
    if (maxBytes !== undefined && size !== undefined && size > maxBytes) {
      throw tooLarge(ref.url, maxBytes, size);
    }
    const signal = downloadSignal(ref.url, {
      timeoutMs: opts.timeoutMs ?? this.defaults.timeoutMs,
      signal: opts.signal,
    });
    await streamToFile(ref.url, createReadStream(path), destFile, {
      maxBytes,
      signal,
      sha256: ref.sha256,
    });
  }
}

/**
 * `stat`, or `undefined` when the file is absent. Any other failure (permissions, I/O) is
 * `CHASSIS_E_LOADER_FILE_UNREADABLE`: a folder scan must not silently skip a CAR it cannot read.
 */
async function statIfPresent(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ChassisError(
      'CHASSIS_E_LOADER_FILE_UNREADABLE',
      `${path} exists but cannot be read (${(cause as Error).message}); fix its permissions`,
      { details: { file: path, url: pathToFileURL(path).href }, cause },
    );
  }
}
