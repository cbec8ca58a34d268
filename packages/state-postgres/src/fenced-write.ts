import { assertStateKey, type StateRecord, stateConflict } from '@chassis/kernel';
import type pg from 'pg';
import type { PostgresDatabase } from './database.js';
import type { Lease, LeaseManager } from './leases.js';

/** Runs `work` in one transaction after checking (row locked `FOR SHARE`) that `lease` is valid. */
async function underLease<R>(
  db: PostgresDatabase,
  leases: LeaseManager,
  lease: Lease,
  what: string,
  work: (c: pg.ClientBase) => Promise<R>,
): Promise<R> {
  return db.withClient(what, async (c) => {
    await c.query('BEGIN');
    try {
      await leases.assertValid(c, lease);
      const out = await work(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {
        // The connection is broken; the server rolls the transaction back itself.
      });
      throw err;
    }
  });
}

async function versionOf(c: pg.ClientBase, t: string, key: string): Promise<number> {
  const cur = await c.query(`SELECT version FROM ${t} WHERE key = $1`, [key]);
  return Number(cur.rows[0]?.version ?? 0);
}

/**
 * A compare-and-set write that only lands while `lease` is still the resource's valid lease:
 * lease check (row locked `FOR SHARE`) and write commit in one transaction, so a member that
 * lost its lease (paused, partitioned, presumed dead) can never overwrite the new owner's work.
 * Rejects with `CHASSIS_E_CLUSTER_FENCED` (stale token) or `CHASSIS_E_STATE_CONFLICT`.
 */
export async function fencedPut<T>(
  db: PostgresDatabase,
  leases: LeaseManager,
  lease: Lease,
  key: string,
  value: T,
  expectedVersion: number,
): Promise<StateRecord<T>> {
  assertStateKey(key);
  const t = `${db.s}.chassis_state`;
  return underLease(
    db,
    leases,
    lease,
    `write state "${key}" as owner of ${lease.resource}`,
    async (c) => {
      const json = JSON.stringify(value);
      const { rows } =
        expectedVersion === 0
          ? await c.query(
              `INSERT INTO ${t} (key, version, value) VALUES ($1, 1, $2::jsonb)
             ON CONFLICT (key) DO NOTHING RETURNING version, updated_at`,
              [key, json],
            )
          : await c.query(
              `UPDATE ${t} SET value = $2::jsonb, version = version + 1, updated_at = now()
             WHERE key = $1 AND version = $3 RETURNING version, updated_at`,
              [key, json, expectedVersion],
            );
      const row = rows[0] as { version: string; updated_at: Date } | undefined;
      if (!row) throw stateConflict(key, expectedVersion, await versionOf(c, t, key));
      return { key, version: Number(row.version), value, updatedAt: row.updated_at.toISOString() };
    },
  );
}

/**
 * A compare-and-set delete under the same fence as {@link fencedPut}: a stale owner's late
 * delete of a resource record (the resource removed on a member that no longer owns it) is
 * rejected with `CHASSIS_E_CLUSTER_FENCED` and the record stays. Deleting an absent record at
 * version 0 is a no-op, as in every store.
 */
export async function fencedDelete(
  db: PostgresDatabase,
  leases: LeaseManager,
  lease: Lease,
  key: string,
  expectedVersion: number,
): Promise<void> {
  assertStateKey(key);
  const t = `${db.s}.chassis_state`;
  await underLease(
    db,
    leases,
    lease,
    `delete state "${key}" as owner of ${lease.resource}`,
    async (c) => {
      const { rowCount } = await c.query(`DELETE FROM ${t} WHERE key = $1 AND version = $2`, [
        key,
        expectedVersion,
      ]);
      if (rowCount === 1) return;
      const actual = await versionOf(c, t, key);
      if (actual === 0 && expectedVersion === 0) return;
      throw stateConflict(key, expectedVersion, actual);
    },
  );
}
