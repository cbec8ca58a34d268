import { afterAll, beforeAll, it } from 'vitest';
import { compare } from '../../../bench/compare.js';
import { PostgresDatabase } from '../src/database.js';
import { PostgresStateStore } from '../src/postgres-state-store.js';
import { pgSuite } from '../src/testing/pg-suite.js';

/**
 * Issue 17 benchmark: `PostgresStateStore.put` (compare-and-set) against a bare
 * `UPDATE … WHERE version = $1` on the same table through the same single connection (pool of
 * one), so the ratio is the store's own overhead (key check, JSON, RETURNING, wrapping).
 * Target ≤ 1.3×. Reports only; never fails on time.
 */
const suite = pgSuite();
let db: PostgresDatabase | undefined;

beforeAll(async () => {
  if (!suite.available) return;
  const cluster = await suite.start();
  db = await PostgresDatabase.open({ connectionString: await cluster.createDatabase(), max: 1 });
});
afterAll(async () => {
  await db?.close();
  await suite.stop();
});

it.skipIf(!suite.available)(
  'state store compare-and-set vs bare UPDATE … WHERE version',
  async () => {
    if (!db) return;
    const store = new PostgresStateStore(db);
    const value = { driver: 'com.example.sf', version: '1.2.3', resources: ['host-1', 'host-2'] };
    await store.put('bench/bare', value, 0);
    await store.put('bench/store', value, 0);
    let bare = 1;
    let cas = 1;
    const json = JSON.stringify(value);
    const pool = db.pool;
    await compare({
      title: 'PostgresStateStore.put vs bare UPDATE … WHERE version = $1 (same connection)',
      baseline: {
        name: 'bare UPDATE',
        fn: async () => {
          const r = await pool.query(
            `UPDATE chassis.chassis_state SET value = $2::jsonb, version = version + 1, updated_at = now()
           WHERE key = $1 AND version = $3`,
            ['bench/bare', json, bare],
          );
          if (r.rowCount !== 1) throw new Error('bare update lost its version');
          bare++;
        },
      },
      candidate: {
        name: 'store.put (CAS)',
        fn: async () => {
          cas = (await store.put('bench/store', value, cas)).version;
        },
      },
      target: '≤ 1.3×',
      meets: (r) => r.ratio <= 1.3,
      time: 2000,
    });
  },
);
