import type pg from 'pg';
import type { PostgresDatabase } from './database.js';

/** What {@link ChangeFeed} reports: one changed key, or "re-read everything". */
export type ChangeEvent =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'reconcile'; readonly reason: 'timer' | 'reconnected' };

/** Options of {@link ChangeFeed}. */
export interface ChangeFeedOptions {
  readonly onChange: (event: ChangeEvent) => void;
  /** Periodic full reconciliation, the fallback for a missed notification (default 30 s). */
  readonly reconcileMs?: number;
  /** Delay before re-LISTENing after the connection died (default 500 ms). */
  readonly reconnectMs?: number;
}

/**
 * State changes from every member: a trigger on the state table sends `NOTIFY chassis_changes`
 * and this feed LISTENs on a dedicated connection. NOTIFY is best effort (nothing is queued
 * while disconnected), so the feed also asks for a full reconciliation on a timer and after
 * every reconnect: a missed notification heals within `reconcileMs`.
 */
export class ChangeFeed {
  readonly #db: PostgresDatabase;
  readonly #o: ChangeFeedOptions;
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(db: PostgresDatabase, options: ChangeFeedOptions) {
    this.#db = db;
    this.#o = options;
  }

  /** Connects and LISTENs; rejects with the connection error on the first attempt. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#listen();
    this.#timer = setInterval(
      () => this.#o.onChange({ kind: 'reconcile', reason: 'timer' }),
      this.#o.reconcileMs ?? 30_000,
    );
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => {
      // Already broken; nothing to close.
    });
  }

  async #listen(): Promise<void> {
    const c = this.#db.dedicatedClient('chassis-changes');
    const prefix = `${this.#db.schema}:`;
    c.on('notification', (n) => {
      if (n.payload?.startsWith(prefix)) {
        this.#o.onChange({ kind: 'key', key: n.payload.slice(prefix.length) });
      }
    });
    const lost = () => {
      if (this.#client !== c) return;
      this.#client = undefined;
      this.#scheduleReconnect();
    };
    c.on('error', lost);
    c.on('end', lost);
    await c.connect();
    await c.query('LISTEN chassis_changes');
    this.#client = c;
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    this.#retry = setTimeout(() => {
      this.#listen().then(
        () => this.#o.onChange({ kind: 'reconcile', reason: 'reconnected' }),
        () => this.#scheduleReconnect(),
      );
    }, this.#o.reconnectMs ?? 500);
    this.#retry.unref();
  }
}
