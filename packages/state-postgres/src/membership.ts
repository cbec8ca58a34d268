import type { PostgresDatabase } from './database.js';

/** Change-feed key prefix of a member whose meta was published: `members/<id>`. */
export const MEMBER_KEY_PREFIX = 'members/';

/** One management server as the others see it. */
export interface Member {
  readonly id: string;
  readonly meta: Record<string, unknown>;
  readonly startedAt: string;
  readonly lastHeartbeat: string;
  /** Heartbeat within the TTL (database clock). */
  readonly alive: boolean;
}

/** Options of {@link Membership}. */
export interface MembershipOptions {
  readonly id: string;
  /** A member whose last heartbeat is older than this is down (default 10 s). */
  readonly ttlMs?: number;
  /** Heartbeat period (default ttl / 3). */
  readonly heartbeatMs?: number;
  readonly meta?: Record<string, unknown>;
}

interface Row {
  id: string;
  meta: Record<string, unknown>;
  started_at: Date;
  last_heartbeat: Date;
  alive: boolean;
}

/**
 * Registers this server, heartbeats on a timer and lists the others. A failed heartbeat
 * (database away) is kept in `lastError` and retried next period; the member is simply seen as
 * down by the others if it lasts past the TTL.
 */
export class Membership {
  readonly id: string;
  readonly ttlMs: number;
  readonly #db: PostgresDatabase;
  readonly #t: string;
  readonly #heartbeatMs: number;
  readonly #meta: Record<string, unknown>;
  #timer: NodeJS.Timeout | undefined;
  /** The meta changed since it was last written. */
  #dirty = false;
  #writing: Promise<void> = Promise.resolve();
  lastError: unknown;

  constructor(db: PostgresDatabase, options: MembershipOptions) {
    this.#db = db;
    this.#t = `${db.s}.chassis_members`;
    this.id = options.id;
    this.ttlMs = options.ttlMs ?? 10_000;
    this.#heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(this.ttlMs / 3));
    this.#meta = options.meta ?? {};
  }

  /** Registers (or re-registers) and starts heartbeating. */
  async join(): Promise<void> {
    await this.#db.query(
      `register member ${this.id}`,
      `INSERT INTO ${this.#t} (id, meta) VALUES ($1, $2::jsonb)
       ON CONFLICT (id) DO UPDATE SET meta = EXCLUDED.meta, started_at = now(), last_heartbeat = now()`,
      [this.id, JSON.stringify(this.#meta)],
    );
    this.#dirty = false;
    this.#timer ??= setInterval(() => {
      this.heartbeat().catch((err: unknown) => {
        this.lastError = err;
      });
    }, this.#heartbeatMs);
    this.#timer.unref();
  }

  /** One heartbeat now; it also writes the meta when {@link publish} changed it since. */
  async heartbeat(): Promise<void> {
    if (this.#dirty) return this.#writeMeta();
    await this.#db.query(
      `heartbeat member ${this.id}`,
      `UPDATE ${this.#t} SET last_heartbeat = now() WHERE id = $1`,
      [this.id],
      true,
    );
  }

  /** This member's meta as last set (what the others read once it is written). */
  get meta(): Readonly<Record<string, unknown>> {
    return this.#meta;
  }

  /**
   * Merges `patch` into this member's meta and writes it now, with a heartbeat, notifying
   * `members/<id>` on the change feed. A failed write
   * is retried by the next heartbeat, which rewrites the meta until one succeeds.
   */
  async publish(patch: Readonly<Record<string, unknown>>): Promise<void> {
    Object.assign(this.#meta, patch);
    this.#dirty = true;
    await this.#writeMeta();
  }

  /** One meta write at a time, so an older meta is never written after a newer one. */
  #writeMeta(): Promise<void> {
    const next = this.#writing.catch(() => undefined).then(() => this.#writeMetaNow());
    this.#writing = next;
    return next;
  }

  async #writeMetaNow(): Promise<void> {
    this.#dirty = false;
    try {
      // Notified like a state key (`members/<id>`), so the others need not wait for a poll.
      await this.#db.query(
        `publish member ${this.id}`,
        `WITH u AS (
           UPDATE ${this.#t} SET meta = $2::jsonb, last_heartbeat = now() WHERE id = $1 RETURNING id
         ) SELECT pg_notify('chassis_changes', $3) FROM u`,
        [this.id, JSON.stringify(this.#meta), `${this.#db.schema}:${MEMBER_KEY_PREFIX}${this.id}`],
        true,
      );
    } catch (err) {
      this.#dirty = true;
      throw err;
    }
  }

  /** Stops heartbeating without deregistering (what a crash looks like to the others). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Stops and deregisters: the others see the departure at once. */
  async leave(): Promise<void> {
    this.stop();
    await this.#db.query(`deregister member ${this.id}`, `DELETE FROM ${this.#t} WHERE id = $1`, [
      this.id,
    ]);
  }

  /** Every registered member, with `alive` judged against this member's TTL. */
  async members(): Promise<Member[]> {
    const { rows } = await this.#db.query<Row>(
      'list members',
      `SELECT id, meta, started_at, last_heartbeat,
              last_heartbeat >= now() - $1 * interval '1 millisecond' AS alive
       FROM ${this.#t} ORDER BY id`,
      [this.ttlMs],
      true,
    );
    return rows.map((r) => ({
      id: r.id,
      meta: r.meta,
      startedAt: r.started_at.toISOString(),
      lastHeartbeat: r.last_heartbeat.toISOString(),
      alive: r.alive,
    }));
  }
}
