import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assertStateKey,
  ChassisError,
  type StateRecord,
  type StateStore,
  stateConflict,
} from '@chassis/kernel';
import { withFileLock } from './file-lock.js';

const SUFFIX = '.json';

/**
 * The embedded default {@link StateStore}: one JSON file per record in a local directory.
 * Every write goes to a temporary file that is fsynced and then renamed over the record (and
 * the directory fsynced), so a kill at any point leaves either the old or the new record,
 * never a torn one. Compare-and-set holds across processes through a per-key lock file.
 */
export class DirectoryStateStore implements StateStore {
  readonly #dir: string;
  #ready: Promise<void> | undefined;
  readonly #local = new Map<string, Promise<unknown>>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The directory holding the records. */
  get dir(): string {
    return this.#dir;
  }

  async get<T>(key: string): Promise<StateRecord<T> | undefined> {
    assertStateKey(key);
    await this.#init();
    return this.#read<T>(key);
  }

  async put<T>(key: string, value: T, expectedVersion: number): Promise<StateRecord<T>> {
    assertStateKey(key);
    await this.#init();
    return this.#exclusive(key, async () => {
      const actual = (await this.#read(key))?.version ?? 0;
      if (actual !== expectedVersion) throw stateConflict(key, expectedVersion, actual);
      const record: StateRecord<T> = {
        key,
        version: actual + 1,
        value,
        updatedAt: new Date().toISOString(),
      };
      await this.#write(key, record);
      return record;
    });
  }

  async delete(key: string, expectedVersion: number): Promise<void> {
    assertStateKey(key);
    await this.#init();
    await this.#exclusive(key, async () => {
      const actual = (await this.#read(key))?.version ?? 0;
      if (actual !== expectedVersion) throw stateConflict(key, expectedVersion, actual);
      await rm(this.#file(key), { force: true });
      await this.#syncDir();
    });
  }

  async list<T = unknown>(prefix: string): Promise<StateRecord<T>[]> {
    await this.#init();
    const names = (await readdir(this.#dir)).filter((n) => n.endsWith(SUFFIX));
    const keys = names
      .map((n) => decodeURIComponent(n.slice(0, -SUFFIX.length)))
      .filter((k) => k.startsWith(prefix));
    keys.sort();
    const out: StateRecord<T>[] = [];
    for (const key of keys) {
      const r = await this.#read<T>(key);
      if (r) out.push(r);
    }
    return out;
  }

  #file(key: string): string {
    return join(this.#dir, encodeURIComponent(key) + SUFFIX);
  }

  #init(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.#dir, { recursive: true });
      // Temporary files of writers that were killed before their rename are garbage.
      for (const n of await readdir(this.#dir))
        if (n.endsWith('.tmp')) await rm(join(this.#dir, n), { force: true });
    })();
    return this.#ready;
  }

  async #read<T>(key: string): Promise<StateRecord<T> | undefined> {
    let text: string;
    try {
      text = await readFile(this.#file(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ChassisError(
        'CHASSIS_E_STATE_IO',
        `Cannot read state record "${key}" in ${this.#dir}`,
        { cause: err, details: { key } },
      );
    }
    try {
      return JSON.parse(text) as StateRecord<T>;
    } catch (err) {
      throw new ChassisError(
        'CHASSIS_E_STATE_CORRUPT',
        `State record "${key}" in ${this.#dir} is not valid JSON`,
        {
          cause: err,
          details: { key },
        },
      );
    }
  }

  async #write(key: string, record: StateRecord): Promise<void> {
    const file = this.#file(key);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(record));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    await this.#syncDir();
  }

  async #syncDir(): Promise<void> {
    const dh = await open(this.#dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }

  /** Serialises writers of one key: in this process by a promise chain, across processes by a lock file. */
  async #exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#local.get(key) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(() => withFileLock(`${this.#file(key)}.lock`, fn));
    this.#local.set(key, run);
    try {
      return await run;
    } finally {
      if (this.#local.get(key) === run) this.#local.delete(key);
    }
  }
}
