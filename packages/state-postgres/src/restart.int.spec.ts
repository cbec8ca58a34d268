import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError, updateState } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDatabase } from './database.js';
import { PostgresStateStore } from './postgres-state-store.js';
import type { PgTestCluster } from './testing/pg-cluster.js';
import { pgSuite } from './testing/pg-suite.js';

const suite = pgSuite();

describe.skipIf(!suite.available)('PostgresStateStore across a PostgreSQL restart', () => {
  let cluster: PgTestCluster;
  let url = '';
  beforeAll(async () => {
    cluster = await suite.start();
    url = await cluster.createDatabase();
  });
  afterAll(() => suite.stop());

  it('recovers after pg_ctl restart under live writers, with no lost or duplicated write', async () => {
    const db = await PostgresDatabase.open({ connectionString: url, reconnectTimeoutMs: 15_000 });
    const store = new PostgresStateStore(db);
    const writers = 4;
    const opsEach = 40;
    let unavailable = 0;
    let done = 0;
    // Idempotent operation: append the op id unless it is already there. After an ambiguous
    // failure the retry re-reads, so a write that did commit is not applied twice.
    const apply = async (key: string, op: string) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          await updateState<string[]>(
            store,
            key,
            (log) => (log?.includes(op) ? undefined : [...(log ?? []), op]),
            { retries: 50 },
          );
          done++;
          return;
        } catch (err) {
          if (!ChassisError.is(err, 'CHASSIS_E_STATE_UNAVAILABLE')) throw err;
          expect(err.details.retryable).toBe(true);
          unavailable++;
          await sleep(50);
        }
      }
      throw new Error(`op ${op} never succeeded`);
    };
    const run = Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let j = 0; j < opsEach; j++) await apply(`log/w${w}`, `w${w}-${j}`);
      }),
    );
    // Restart while the writers are mid-way (bounded poll, no sleep-as-assertion).
    for (let i = 0; i < 400 && done < (writers * opsEach) / 4; i++) await sleep(10);
    const before = done;
    await cluster.restart();
    await run;
    expect(before).toBeLessThan(writers * opsEach);
    // Positive control: the restart really broke live connections.
    expect(unavailable + (db.lastPoolError ? 1 : 0)).toBeGreaterThan(0);
    for (let w = 0; w < writers; w++) {
      const log = (await store.get<string[]>(`log/w${w}`))?.value ?? [];
      expect(log).toEqual(Array.from({ length: opsEach }, (_, j) => `w${w}-${j}`));
    }
    await db.close();
  });
});
