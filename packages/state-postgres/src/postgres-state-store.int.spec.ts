import { ChassisError, stateStoreConformance } from '@chassis/kernel';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDatabase } from './database.js';
import { SCHEMA_VERSION } from './migrations.js';
import { PostgresStateStore } from './postgres-state-store.js';
import { pgSuite } from './testing/pg-suite.js';

const suite = pgSuite();

describe.skipIf(!suite.available)('PostgresStateStore on a real PostgreSQL', () => {
  let url = '';
  const open: PostgresDatabase[] = [];
  const openDb = async (schema: string) => {
    const db = await PostgresDatabase.open({ connectionString: url, schema });
    open.push(db);
    return db;
  };

  beforeAll(async () => {
    const cluster = await suite.start();
    url = await cluster.createDatabase();
  });
  afterAll(async () => {
    await Promise.all(open.map((db) => db.close()));
    await suite.stop();
  });

  let n = 0;
  for (const c of stateStoreConformance) {
    it(`conformance: ${c.name}`, async () => {
      const db = await openDb(`conf_${++n}`);
      await c.run(new PostgresStateStore(db));
    });
  }

  it('migrates once when several servers start together, and records each step', async () => {
    const dbs = await Promise.all(Array.from({ length: 4 }, () => openDb('race')));
    const { rows } = await dbs[0]!.pool.query<{ version: number }>(
      'SELECT version FROM race.chassis_schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    );
  });

  it('refuses a database whose schema is newer than this server', async () => {
    const db = await openDb('newer');
    await db.pool.query(
      `INSERT INTO newer.chassis_schema_migrations (version, name) VALUES (999, 'future')`,
    );
    const err = await PostgresDatabase.open({ connectionString: url, schema: 'newer' }).catch(
      (e) => e,
    );
    expect(ChassisError.is(err, 'CHASSIS_E_STATE_SCHEMA')).toBe(true);
  });

  it('a refused connection is the retryable CHASSIS_E_STATE_UNAVAILABLE', async () => {
    const err = await PostgresDatabase.open({
      connectionString: 'postgres://chassis@127.0.0.1:1/none',
      reconnectTimeoutMs: 200,
    }).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_STATE_UNAVAILABLE');
    expect(err.details.retryable).toBe(true);
  });

  it('reads connection settings from the PG* variables when no URL is given', async () => {
    const u = new URL(url);
    const saved = { ...process.env };
    Object.assign(process.env, {
      PGHOST: u.hostname,
      PGPORT: u.port,
      PGUSER: u.username,
      PGDATABASE: u.pathname.slice(1),
    });
    try {
      const db = await PostgresDatabase.open({ schema: 'envvars' });
      open.push(db);
      const store = new PostgresStateStore(db);
      await store.put('via/env', 1, 0);
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      const { rows } = await check.query(`SELECT key FROM envvars.chassis_state`);
      await check.end();
      expect(rows).toEqual([{ key: 'via/env' }]);
    } finally {
      for (const k of ['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});
