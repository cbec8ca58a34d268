import { assertStateKey, type StateRecord, type StateStore, stateConflict } from '@chassis/kernel';
import type { PostgresDatabase, PreparedStatement } from './database.js';

interface Row {
  key: string;
  version: string;
  value: unknown;
  updated_at: Date;
}

/** What a compare-and-set statement returns. */
interface Written {
  version: string;
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
  readonly #sql: Record<'get' | 'insert' | 'update' | 'version', PreparedStatement>;

  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.#t = `${db.s}.chassis_state`;
    const t = this.#t;
    // Prepared per connection (named by schema, so two stores on two schemas never collide).
    // The CAS statements return only the new version and time: the caller already has the
    // value, so it does not travel back from the server to be parsed again.
    const named = (op: string, text: string) => ({
      name: `chassis_${db.s.replaceAll(`"`, '')}_state_${op}`,
      text,
    });
    this.#sql = {
      get: named('get', `SELECT key, version, value, updated_at FROM ${t} WHERE key = $1`),
      insert: named(
        'insert',
        `INSERT INTO ${t} (key, version, value) VALUES ($1, 1, $2::jsonb)
         ON CONFLICT (key) DO NOTHING RETURNING version, updated_at`,
      ),
      update: named(
        'update',
        `UPDATE ${t} SET value = $2::jsonb, version = version + 1, updated_at = now()
         WHERE key = $1 AND version = $3 RETURNING version, updated_at`,
      ),
      version: named('version', `SELECT version FROM ${t} WHERE key = $1`),
    };
  }

  async get<T>(key: string): Promise<StateRecord<T> | undefined> {
    assertStateKey(key);
    const { rows } = await this.#db.query<Row>(`read state "${key}"`, this.#sql.get, [key], true);
    return rows[0] ? toRecord<T>(rows[0]) : undefined;
  }

  async put<T>(key: string, value: T, expectedVersion: number): Promise<StateRecord<T>> {
    assertStateKey(key);
    const json = JSON.stringify(value);
    const what = `write state "${key}"`;
    const { rows } =
      expectedVersion === 0
        ? await this.#db.query<Written>(what, this.#sql.insert, [key, json])
        : await this.#db.query<Written>(what, this.#sql.update, [key, json, expectedVersion]);
    const row = rows[0];
    if (row) {
      // The stored value is the JSON text: hand back the same copy a later read would give.
      return {
        key,
        version: Number(row.version),
        value: JSON.parse(json) as T,
        updatedAt: row.updated_at.toISOString(),
      };
    }
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
      this.#sql.version,
      [key],
      true,
    );
    return rows[0] ? Number(rows[0].version) : 0;
  }
}
