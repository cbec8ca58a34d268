import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError } from '@chassis/kernel';
import pg from 'pg';
import { isConnectionError, wrapDbError } from './errors.js';
import { migrate } from './migrations.js';

/** How to reach the database. Without `connectionString`, `pg` reads the standard `PG*` variables. */
export interface PostgresOptions {
  /** `postgres://user@host:port/db`; unset = `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGPASSWORD`… */
  readonly connectionString?: string;
  /** Schema holding the Chassis tables (default `chassis`). Letters, digits, `_`. */
  readonly schema?: string;
  /** Pool size per server (default 10). */
  readonly max?: number;
  /** How long one call keeps trying to (re)connect before `CHASSIS_E_STATE_UNAVAILABLE` (default 10 s). */
  readonly reconnectTimeoutMs?: number;
  /** Per-connection attempt timeout (default 2 s). */
  readonly connectTimeoutMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * One server's connection pool to the shared database, with the schema migrated. Broken
 * connections are dropped by the pool; each call gets a fresh one and retries connecting for a
 * bounded time, so a restarted PostgreSQL is picked up without restarting the server.
 */
/** A named statement: prepared once per connection by PostgreSQL, then executed by name. */
export interface PreparedStatement {
  /** Unique per distinct `text` within this database (and schema). */
  readonly name: string;
  readonly text: string;
}

export class PostgresDatabase {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** The schema, quoted for SQL. */
  readonly s: string;
  readonly #options: PostgresOptions;
  /** The last error the pool reported on an idle connection (kept for health output). */
  lastPoolError: Error | undefined;

  private constructor(options: PostgresOptions, schema: string) {
    this.#options = options;
    this.schema = schema;
    this.s = `"${schema}"`;
    this.pool = new pg.Pool({
      ...(options.connectionString ? { connectionString: options.connectionString } : {}),
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
      idleTimeoutMillis: 10_000,
    });
    // An idle connection dying (server restart) is reported here; without a listener Node
    // would crash. The pool already discarded that connection, the next call reconnects.
    this.pool.on('error', (err) => {
      this.lastPoolError = err;
    });
    // A pooled connection killed by the server (restart: 57P01) may emit 'error' after it left
    // a `withClient` call (released, being destroyed): without a listener of its own for its
    // whole life, that is an uncaught exception. The call it served already got the error.
    this.pool.on('connect', (client) => {
      client.on('error', (err) => {
        this.lastPoolError = err;
      });
    });
  }

  /** Connects, migrates the schema and returns the database; throws a typed error otherwise. */
  static async open(options: PostgresOptions = {}): Promise<PostgresDatabase> {
    const schema = options.schema ?? 'chassis';
    if (!SCHEMA_NAME.test(schema)) {
      throw new ChassisError(
        'CHASSIS_E_STATE_IO',
        `PostgreSQL schema name "${schema}" is not valid: use lower-case letters, digits and "_"`,
        { details: { schema } },
      );
    }
    const db = new PostgresDatabase(options, schema);
    try {
      await db.withClient('migrate the schema', (c) => migrate(c, schema));
    } catch (err) {
      await db.pool.end();
      throw err;
    }
    return db;
  }

  /**
   * Runs `fn` on one pooled connection. Connecting is retried (bounded by
   * `reconnectTimeoutMs`); a failure after `fn` started is wrapped once and not retried here,
   * because a write may have committed (the error says so).
   */
  async withClient<T>(what: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#connect(what);
    let broken: Error | undefined;
    // A checked-out connection that dies between two statements emits 'error' on the client;
    // without a listener Node would crash. Record it: the connection is then destroyed.
    const onError = (err: Error) => {
      broken = err;
      this.lastPoolError = err;
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (err) {
      if (isConnectionError(err)) broken ??= err as Error;
      throw wrapDbError(err, what, true);
    } finally {
      client.off('error', onError);
      // Passing the error destroys a broken connection instead of returning it to the pool.
      client.release(broken);
    }
  }

  /**
   * One statement; reads (`idempotent`) are retried once on a fresh connection. A
   * `{ name, text }` statement is prepared once per connection and then only executed, which
   * saves the server a parse and plan on every hot-path call (the state store's reads and CAS).
   */
  async query<R extends pg.QueryResultRow>(
    what: string,
    sql: string | PreparedStatement,
    params: unknown[] = [],
    idempotent = false,
  ): Promise<pg.QueryResult<R>> {
    const config: pg.QueryConfig =
      typeof sql === 'string' ? { text: sql, values: params } : { ...sql, values: params };
    try {
      return await this.withClient(what, (c) => c.query<R>(config));
    } catch (err) {
      if (!idempotent || !ChassisError.is(err, 'CHASSIS_E_STATE_UNAVAILABLE')) throw err;
      return this.withClient(what, (c) => c.query<R>(config));
    }
  }

  async #connect(what: string): Promise<pg.PoolClient> {
    const deadline = Date.now() + (this.#options.reconnectTimeoutMs ?? 10_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.pool.connect();
      } catch (err) {
        if (!isConnectionError(err) || Date.now() >= deadline) throw wrapDbError(err, what);
        await sleep(Math.min(50 * 2 ** attempt, 500));
      }
    }
  }

  /** A connection outside the pool (LISTEN, leader lock), with the same settings. */
  dedicatedClient(applicationName?: string): pg.Client {
    return new pg.Client({
      ...(this.#options.connectionString
        ? { connectionString: this.#options.connectionString }
        : {}),
      ...(applicationName ? { application_name: applicationName } : {}),
      connectionTimeoutMillis: this.#options.connectTimeoutMs ?? 2000,
    });
  }

  /** Closes every pooled connection. */
  async close(): Promise<void> {
    await this.pool.end();
  }
}
