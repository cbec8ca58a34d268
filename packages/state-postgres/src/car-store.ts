import { createHash } from 'node:crypto';
import { ChassisError } from '@chassis/kernel';
import type { PostgresDatabase } from './database.js';

/**
 * Where kept CAR archives live so that any member can load any installed version. Small on
 * purpose, so an S3 bucket can implement it too. Content-addressed: the key is the sha256.
 */
export interface CarStore {
  /** Stores `bytes` (idempotent) and returns their sha256 (lower-case hex). */
  put(bytes: Uint8Array): Promise<string>;
  /** The archive with that digest, re-verified, or `undefined` when absent. */
  get(sha256: string): Promise<Uint8Array | undefined>;
  has(sha256: string): Promise<boolean>;
  delete(sha256: string): Promise<void>;
}

const DIGEST = /^[0-9a-f]{64}$/;

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function assertDigest(sha256: string): void {
  if (!DIGEST.test(sha256)) {
    throw new ChassisError(
      'CHASSIS_E_STATE_IO',
      `CAR digest "${sha256}" is not a lower-case hex sha256 (64 characters)`,
      { details: { sha256 } },
    );
  }
}

/**
 * Checks fetched bytes against the digest they were asked for: a row changed behind our back
 * (or a bug) must never be loaded as that version. Signature verification stays with the
 * loader, which runs it on every member before loading.
 */
export function verifyCarDigest(sha256: string, bytes: Uint8Array): Uint8Array {
  const actual = sha256Hex(bytes);
  if (actual !== sha256) {
    throw new ChassisError(
      'CHASSIS_E_CAR_STORE_DIGEST',
      `The CAR stored as sha256 ${sha256} has digest ${actual}: the shared copy is damaged; reinstall that version`,
      { details: { expected: sha256, actual } },
    );
  }
  return bytes;
}

/** {@link CarStore} in the shared database (`bytea` rows; CARs are capped well below 1 GB). */
export class PostgresCarStore implements CarStore {
  readonly #db: PostgresDatabase;
  readonly #t: string;

  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.#t = `${db.s}.chassis_cars`;
  }

  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = sha256Hex(bytes);
    await this.#db.query(
      `store CAR ${sha256}`,
      `INSERT INTO ${this.#t} (sha256, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`,
      [sha256, bytes.byteLength, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
    return sha256;
  }

  async get(sha256: string): Promise<Uint8Array | undefined> {
    assertDigest(sha256);
    const { rows } = await this.#db.query<{ bytes: Buffer }>(
      `fetch CAR ${sha256}`,
      `SELECT bytes FROM ${this.#t} WHERE sha256 = $1`,
      [sha256],
      true,
    );
    const row = rows[0];
    return row ? verifyCarDigest(sha256, new Uint8Array(row.bytes)) : undefined;
  }

  async has(sha256: string): Promise<boolean> {
    assertDigest(sha256);
    const { rowCount } = await this.#db.query(
      `look up CAR ${sha256}`,
      `SELECT 1 FROM ${this.#t} WHERE sha256 = $1`,
      [sha256],
      true,
    );
    return rowCount === 1;
  }

  async delete(sha256: string): Promise<void> {
    assertDigest(sha256);
    await this.#db.query(`delete CAR ${sha256}`, `DELETE FROM ${this.#t} WHERE sha256 = $1`, [
      sha256,
    ]);
  }
}
