import { ChassisError } from '@chassis/kernel';
import type pg from 'pg';
import type { PostgresDatabase } from './database.js';

/** Ownership of one resource: valid while `token` is the resource's current token and unexpired. */
export interface Lease {
  readonly resource: string;
  readonly owner: string;
  /** Fencing token: grows monotonically across every acquisition of every resource. */
  readonly token: number;
  readonly expiresAt: string;
}

interface Row {
  resource: string;
  owner: string;
  token: string;
  expires_at: Date;
}

const toLease = (r: Row): Lease => ({
  resource: r.resource,
  owner: r.owner,
  token: Number(r.token),
  expiresAt: r.expires_at.toISOString(),
});

/**
 * Resource ownership leases with fencing tokens. All times are the database's clock
 * (`now()`), so members with skewed clocks still agree on who owns what.
 */
export class LeaseManager {
  readonly #db: PostgresDatabase;
  readonly #t: string;
  readonly #seq: string;

  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.#t = `${db.s}.chassis_leases`;
    this.#seq = `${db.s}.chassis_fencing_tokens`;
  }

  /**
   * Takes the lease when it is free or expired (a new, larger token), or renews it when
   * `owner` already holds it (same token). `undefined` when another live owner holds it.
   */
  async tryAcquire(resource: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    const { rows } = await this.#db.query<Row>(
      `acquire lease ${resource}`,
      `INSERT INTO ${this.#t} AS l (resource, owner, token, expires_at)
       VALUES ($1, $2, nextval('${this.#seq}'), now() + $3 * interval '1 millisecond')
       ON CONFLICT (resource) DO UPDATE SET
         owner = EXCLUDED.owner,
         token = CASE WHEN l.owner = EXCLUDED.owner AND l.expires_at >= now() THEN l.token ELSE EXCLUDED.token END,
         expires_at = EXCLUDED.expires_at
       WHERE l.expires_at < now() OR l.owner = EXCLUDED.owner
       RETURNING resource, owner, token, expires_at`,
      [resource, owner, ttlMs],
    );
    return rows[0] ? toLease(rows[0]) : undefined;
  }

  /** Extends a held lease; `CHASSIS_E_CLUSTER_FENCED` when it expired or was taken over. */
  async renew(lease: Lease, ttlMs: number): Promise<Lease> {
    const { rows } = await this.#db.query<Row>(
      `renew lease ${lease.resource}`,
      `UPDATE ${this.#t} SET expires_at = now() + $3 * interval '1 millisecond'
       WHERE resource = $1 AND token = $2 AND expires_at >= now()
       RETURNING resource, owner, token, expires_at`,
      [lease.resource, lease.token, ttlMs],
    );
    if (rows[0]) return toLease(rows[0]);
    throw fenced(lease, await this.current(lease.resource));
  }

  /** Gives the lease up (only if still ours: a stale release never frees a new owner's lease). */
  async release(lease: Lease): Promise<void> {
    await this.#db.query(
      `release lease ${lease.resource}`,
      `DELETE FROM ${this.#t} WHERE resource = $1 AND token = $2`,
      [lease.resource, lease.token],
    );
  }

  /** The lease row as it stands (possibly expired). */
  async current(resource: string): Promise<Lease | undefined> {
    const { rows } = await this.#db.query<Row>(
      `read lease ${resource}`,
      `SELECT resource, owner, token, expires_at FROM ${this.#t} WHERE resource = $1`,
      [resource],
      true,
    );
    return rows[0] ? toLease(rows[0]) : undefined;
  }

  /** Every lease row with whether it is still valid. */
  async list(): Promise<(Lease & { readonly live: boolean })[]> {
    const { rows } = await this.#db.query<Row & { live: boolean }>(
      'list leases',
      `SELECT resource, owner, token, expires_at, expires_at >= now() AS live FROM ${this.#t} ORDER BY resource`,
      [],
      true,
    );
    return rows.map((r) => ({ ...toLease(r), live: r.live }));
  }

  /**
   * Inside a transaction on `client`: locks the lease row (`FOR SHARE`, so it cannot be taken
   * over until the transaction ends) and throws `CHASSIS_E_CLUSTER_FENCED` unless `lease` is
   * still the valid one. The fenced write runs after this in the same transaction.
   */
  async assertValid(client: pg.ClientBase, lease: Lease): Promise<void> {
    const { rows } = await client.query<Row & { live: boolean }>(
      `SELECT resource, owner, token, expires_at, expires_at >= now() AS live FROM ${this.#t}
       WHERE resource = $1 FOR SHARE`,
      [lease.resource],
    );
    const row = rows[0];
    if (!row || Number(row.token) !== lease.token || !row.live) {
      throw fenced(lease, row ? toLease(row) : undefined);
    }
  }
}

function fenced(lease: Lease, now: Lease | undefined): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CLUSTER_FENCED',
    `Member "${lease.owner}" no longer owns "${lease.resource}" (fencing token ${lease.token} is stale${now ? `; "${now.owner}" holds token ${now.token}` : '; the lease is gone'}): its write was rejected; stop working on that resource`,
    {
      details: {
        resource: lease.resource,
        owner: lease.owner,
        token: lease.token,
        currentOwner: now?.owner,
        currentToken: now?.token,
      },
    },
  );
}
