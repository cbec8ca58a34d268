import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import type { CarFetcher, CarKeeper } from '../manager/types.js';
import { directoryCarKeeper } from './loader-adapter.js';

/**
 * A content-addressed store of kept CARs shared by several servers (cluster mode), e.g.
 * `@chassis/state-postgres`'s `PostgresCarStore` or an S3 bucket. Keys are sha256 hex digests.
 */
export interface SharedCarStore {
  /** Stores the bytes (idempotent) and returns their sha256. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes stored under that digest, or `undefined`. */
  get(sha256: string): Promise<Uint8Array | undefined>;
}

/** The `car` field of a version kept in a shared store: no member's local path. */
export const sharedCarRef = (sha256: string): string => `shared-car:${sha256}`;

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Kept CARs in a {@link SharedCarStore}, with a local copy under `dir` (`<sha256>.car`): `keep`
 * copies an installed CAR locally and puts it in the shared store (the record then names it
 * by digest, not by a path only this server has); `fetch` returns the local copy, fetching it
 * from the shared store first when this server never had it. The fetched bytes are checked
 * against the recorded digest before they are written (`CHASSIS_E_CAR_STORE_DIGEST`), and the
 * file is then loaded like any CAR: manifest digests and the trust check (signature, chain,
 * revocation) run again on this server before anything of it runs.
 */
export function sharedCarKeeper(
  store: SharedCarStore,
  dir: string,
): { keep: CarKeeper; fetch: CarFetcher } {
  const local = directoryCarKeeper(dir);
  const pathOf = (sha256: string) => join(dir, `${sha256}.car`);
  return {
    async keep(car) {
      const path = await local(car);
      const stored = await store.put(await readFile(path));
      if (stored !== car.sha256) throw digestMismatch(car.sha256, stored);
      return sharedCarRef(car.sha256);
    },
    async fetch({ sha256, version }) {
      const path = pathOf(sha256);
      try {
        if (sha256Hex(await readFile(path)) === sha256) return path;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const bytes = await store.get(sha256);
      if (!bytes) {
        throw new ChassisError(
          'CHASSIS_E_UPGRADE_NOT_INSTALLED',
          `The kept CAR of version ${version} (sha256 ${sha256}) is not in the shared CAR store; reinstall that version`,
          { details: { version, sha256 } },
        );
      }
      const actual = sha256Hex(bytes);
      if (actual !== sha256) throw digestMismatch(sha256, actual);
      // Temp name, then rename: a crash never leaves a torn copy under the final name.
      await mkdir(dir, { recursive: true });
      const tmp = `${path}.${process.pid}.fetch`;
      try {
        await writeFile(tmp, bytes);
        await rename(tmp, path);
      } finally {
        await rm(tmp, { force: true });
      }
      return path;
    },
  };
}

function digestMismatch(expected: string, actual: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CAR_STORE_DIGEST',
    `The shared copy of the CAR with sha256 ${expected} has digest ${actual}: it is damaged; reinstall that version`,
    { details: { expected, actual } },
  );
}
