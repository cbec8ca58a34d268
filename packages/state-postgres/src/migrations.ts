import { ChassisError } from '@chassis/kernel';
import type pg from 'pg';

/** One forward-only schema step. Published steps never change; add a new one instead. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  sql(schema: string): string;
}

/** Every schema step this package knows, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'state records',
    sql: (s) => `
      CREATE TABLE ${s}.chassis_state (
        key text PRIMARY KEY COLLATE "C",
        version bigint NOT NULL CHECK (version > 0),
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE FUNCTION ${s}.chassis_state_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('chassis_changes', TG_TABLE_SCHEMA || ':' || COALESCE(NEW.key, OLD.key));
        RETURN NULL;
      END $$;
      CREATE TRIGGER chassis_state_changed AFTER INSERT OR UPDATE OR DELETE ON ${s}.chassis_state
        FOR EACH ROW EXECUTE FUNCTION ${s}.chassis_state_notify();`,
  },
  {
    version: 2,
    name: 'kept CARs',
    sql: (s) => `
      CREATE TABLE ${s}.chassis_cars (
        sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL,
        bytes bytea NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    version: 3,
    name: 'members, leases and fencing tokens',
    sql: (s) => `
      CREATE TABLE ${s}.chassis_members (
        id text PRIMARY KEY,
        meta jsonb NOT NULL DEFAULT '{}',
        started_at timestamptz NOT NULL DEFAULT now(),
        last_heartbeat timestamptz NOT NULL DEFAULT now()
      );
      CREATE SEQUENCE ${s}.chassis_fencing_tokens;
      CREATE TABLE ${s}.chassis_leases (
        resource text PRIMARY KEY,
        owner text NOT NULL,
        token bigint NOT NULL,
        expires_at timestamptz NOT NULL
      );`,
  },
];

/** The version the newest step brings the schema to. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Brings `schema` up to {@link SCHEMA_VERSION} in one transaction under an advisory lock, so
 * servers starting together apply each step exactly once and never see half a schema. A
 * database newer than this server is refused (`CHASSIS_E_STATE_SCHEMA`): never run old code
 * on a schema it does not know.
 */
export async function migrate(client: pg.ClientBase, schema: string): Promise<number[]> {
  const s = `"${schema}"`;
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`chassis:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.chassis_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${s}.chassis_schema_migrations`,
    );
    const current = rows[0]?.v ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new ChassisError(
        'CHASSIS_E_STATE_SCHEMA',
        `The state database schema "${schema}" is at version ${current}, newer than this server knows (${SCHEMA_VERSION}): upgrade this server before pointing it at that database`,
        { details: { schema, current, known: SCHEMA_VERSION } },
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query(m.sql(s));
      await client.query(
        `INSERT INTO ${s}.chassis_schema_migrations (version, name) VALUES ($1, $2)`,
        [m.version, m.name],
      );
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      // The connection is already broken; the server rolls the transaction back itself.
    });
    throw err;
  }
}
