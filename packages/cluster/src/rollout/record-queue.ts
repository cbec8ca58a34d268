import { type Logger, serializeError } from '@chassis/kernel';
import type { ChangeHub } from './change-hub.js';

/** Options of {@link RecordQueue}. */
export interface RecordQueueOptions {
  /** Notifications of changed keys; without a hub, the periodic scan alone picks records up. */
  readonly hub?: ChangeHub;
  /** Scan at least this often: the fallback for a missed notification (default 2 s). */
  readonly pollMs?: number;
  readonly logger: Logger;
  /** Whether a notified key is one of this queue's records. */
  readonly matches: (key: string) => boolean;
  /** The keys of every open record, oldest first. */
  readonly list: () => Promise<readonly string[]>;
  /** Handles one record; a throw leaves it open for the next scan. */
  readonly handle: (key: string) => Promise<void>;
  /** Whether this member takes work now (e.g. only while it leads); default always. */
  readonly active?: () => boolean;
  /** Logged when a scan fails. */
  readonly scanFailed: string;
}

/**
 * The one pick-up loop of the rollout records, shared by the member's worker and the leader's
 * request desk: a ChangeFeed notification or a periodic scan queues a record's key, and the
 * keys are handled one at a time, in the order queued, each key at most once in the queue.
 */
export class RecordQueue {
  readonly #o: RecordQueueOptions;
  readonly #queued = new Set<string>();
  #chain: Promise<void> = Promise.resolve();
  #off: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(options: RecordQueueOptions) {
    this.#o = options;
  }

  /** Starts listening and polling (the first scan is the caller's choice). */
  start(): void {
    this.#stopped = false;
    this.#off = this.#o.hub?.on((e) => {
      if (e.kind === 'reconcile') void this.scan();
      else if (this.#o.matches(e.key)) this.enqueue(e.key);
    });
    this.#timer = setInterval(() => void this.scan(), this.#o.pollMs ?? 2000);
    this.#timer.unref();
  }

  /** Stops picking up records and waits for the one in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#off?.();
    clearInterval(this.#timer);
    await this.#chain;
  }

  /** Queues every open record. */
  async scan(): Promise<void> {
    if (!this.#taking()) return;
    try {
      for (const key of await this.#o.list()) this.enqueue(key);
    } catch (err) {
      // The database is briefly away: the next scan (or notification) picks the records up.
      this.#o.logger.warn({ err: serializeError(err) }, this.#o.scanFailed);
    }
  }

  /** Resolves once every record queued so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.#chain;
  }

  /** Queues one record's key, unless it is queued already. */
  enqueue(key: string): void {
    if (!this.#taking() || this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#chain = this.#chain.then(async () => {
      try {
        await this.#o.handle(key);
      } catch (err) {
        // Left open: the next scan retries it (each handler is safe to repeat).
        this.#o.logger.warn({ key, err: serializeError(err) }, 'rollout request not handled');
      } finally {
        this.#queued.delete(key);
      }
    });
  }

  #taking(): boolean {
    return !this.#stopped && (this.#o.active?.() ?? true);
  }
}
