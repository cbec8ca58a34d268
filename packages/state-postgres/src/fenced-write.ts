import { assertStateKey, type StateRecord, stateConflict } from '@chassis/kernel';
import type { PostgresDatabase } from './database.js';
import type { Lease, LeaseManager } from './leases.js';

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
  return db.withClient(`write state "${key}" as owner of ${lease.resource}`, async (c) => {
    await c.query('BEGIN');
    try {
      await leases.assertValid(c, lease);
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
      if (!row) {
        const cur = await c.query(`SELECT version FROM ${t} WHERE key = $1`, [key]);
        throw stateConflict(key, expectedVersion, Number(cur.rows[0]?.version ?? 0));
      }
      await c.query('COMMIT');
      return { key, version: Number(row.version), value, updatedAt: row.updated_at.toISOString() };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {
        // The connection is broken; the server rolls the transaction back itself.
      });
      throw err;
    }
  });
}
