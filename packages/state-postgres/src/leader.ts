import type pg from 'pg';
import type { PostgresDatabase } from './database.js';

/** Options of {@link LeaderElector}. */
export interface LeaderOptions {
  readonly id: string;
  /** How often a follower tries to become leader (default 1 s). */
  readonly retryMs?: number;
  /** Called on every change of leadership of this member. */
  readonly onChange?: (leader: boolean) => void;
}

/**
 * Leader election with a session-level `pg_try_advisory_lock` held on a dedicated connection:
 * PostgreSQL itself releases the lock when that connection dies (crash, network, restart), so
 * the leader cannot outlive its session. Leadership is lost the moment the connection errors.
 */
export class LeaderElector {
  readonly #db: PostgresDatabase;
  readonly #id: string;
  readonly #retryMs: number;
  readonly #onChange: ((leader: boolean) => void) | undefined;
  #client: pg.Client | undefined;
  #leader = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #busy = false;

  constructor(db: PostgresDatabase, options: LeaderOptions) {
    this.#db = db;
    this.#id = options.id;
    this.#retryMs = options.retryMs ?? 1000;
    this.#onChange = options.onChange;
  }

  /** True while this member holds the leader lock. */
  get isLeader(): boolean {
    return this.#leader;
  }

  /** Starts campaigning; resolves after the first attempt. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#attempt();
    this.#timer ??= setInterval(() => void this.#attempt(), this.#retryMs);
    this.#timer.unref();
  }

  /** Steps down (closing the connection releases the lock) and stops campaigning. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    const c = this.#client;
    this.#client = undefined;
    this.#set(false);
    await c?.end().catch(() => {
      // Already broken: the server has released the lock with the session.
    });
  }

  async #attempt(): Promise<void> {
    if (this.#stopped || this.#leader || this.#busy) return;
    this.#busy = true;
    try {
      if (!this.#client) {
        const c = this.#db.dedicatedClient(`chassis-leader:${this.#id}`);
        c.on('error', () => this.#lost(c));
        c.on('end', () => this.#lost(c));
        await c.connect();
        this.#client = c;
      }
      const { rows } = await this.#client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
        [`chassis:leader:${this.#db.schema}`],
      );
      if (!this.#stopped) this.#set(rows[0]?.ok === true);
    } catch {
      // Database unreachable: stay a follower; the next period tries again on a new connection.
      const c = this.#client;
      this.#client = undefined;
      this.#set(false);
      c?.end().catch(() => {
        // Already broken.
      });
    } finally {
      this.#busy = false;
    }
  }

  #lost(c: pg.Client): void {
    if (this.#client !== c) return;
    this.#client = undefined;
    this.#set(false);
  }

  #set(leader: boolean): void {
    if (this.#leader === leader) return;
    this.#leader = leader;
    this.#onChange?.(leader);
  }
}
