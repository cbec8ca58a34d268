import { assertStateKey, type StateRecord, type StateStore, stateConflict } from '@chassis/kernel';
import type { PostgresDatabase } from './database.js';

interface Row {
  key: string;
  version: string;
  value: unknown;
  updated_at: Date;
}

const toRecord = <T>(r: Row): StateRecord<T> => ({
  key: r.key,
  version: Number(r.version),
  value: r.value as T,
  updatedAt: r.updated_at.toISOString(),
});

/** `LIKE` prefix pattern with `%`, `_` and `\` escaped. */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The shared {@link StateStore}: one row per record with a version column; every write is a
 * single compare-and-set statement (`… WHERE version = $n`), so several servers share it
 * safely. Values are stored as `jsonb` (so JSON-serialisable values only).
 */
export class PostgresStateStore implements StateStore {
  readonly #db: PostgresDatabase;
  readonly #t: string;

  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.#t = `${db.s}.chassis_state`;
  }

  async get<T>(key: string): Promise<StateRecord<T> | undefined> {
    assertStateKey(key);
    const { rows } = await this.#db.query<Row>(
      `read state "${key}"`,
      `SELECT key, version, value, updated_at FROM ${this.#t} WHERE key = $1`,
      [key],
      true,
    );
    return rows[0] ? toRecord<T>(rows[0]) : undefined;
  }

  async put<T>(key: string, value: T, expectedVersion: number): Promise<StateRecord<T>> {
    assertStateKey(key);
    const json = JSON.stringify(value);
    const what = `write state "${key}"`;
    const { rows } =
      expectedVersion === 0
        ? await this.#db.query<Row>(
            what,
            `INSERT INTO ${this.#t} (key, version, value) VALUES ($1, 1, $2::jsonb)
             ON CONFLICT (key) DO NOTHING RETURNING key, version, value, updated_at`,
            [key, json],
          )
        : await this.#db.query<Row>(
            what,
            `UPDATE ${this.#t} SET value = $2::jsonb, version = version + 1, updated_at = now()
             WHERE key = $1 AND version = $3 RETURNING key, version, value, updated_at`,
            [key, json, expectedVersion],
          );
    if (rows[0]) return toRecord<T>(rows[0]);
    throw stateConflict(key, expectedVersion, await this.#version(key));
  }

  async delete(key: string, expectedVersion: number): Promise<void> {
    assertStateKey(key);
    const { rowCount } = await this.#db.query(
      `delete state "${key}"`,
      `DELETE FROM ${this.#t} WHERE key = $1 AND version = $2`,
      [key, expectedVersion],
    );
    if (rowCount === 1) return;
    const actual = await this.#version(key);
    // Deleting an absent record "at version 0" is a no-op, as in the memory store.
    if (actual === 0 && expectedVersion === 0) return;
    throw stateConflict(key, expectedVersion, actual);
  }

  async list<T = unknown>(prefix: string): Promise<StateRecord<T>[]> {
    const { rows } = await this.#db.query<Row>(
      `list state "${prefix}*"`,
      `SELECT key, version, value, updated_at FROM ${this.#t}
       WHERE key LIKE $1 ESCAPE '\\' ORDER BY key COLLATE "C"`,
      [likePrefix(prefix)],
      true,
    );
    return rows.map((r) => toRecord<T>(r));
  }

  async #version(key: string): Promise<number> {
    const { rows } = await this.#db.query<{ version: string }>(
      `read state "${key}"`,
      `SELECT version FROM ${this.#t} WHERE key = $1`,
      [key],
      true,
    );
    return rows[0] ? Number(rows[0].version) : 0;
  }
}
