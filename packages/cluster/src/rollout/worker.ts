import {
  type Logger,
  type StateStore,
  serializeError,
  silentLogger,
  updateState,
} from '@chassis/kernel';
import type { ChangeHub } from './change-hub.js';
import { isRequestKeyFor, ROLLOUTS_PREFIX, rolloutKey, type StoredRequest } from './keys.js';
import type { ClusterRolloutRecord, LocalMover, MoveResult } from './types.js';

/** Options of {@link RolloutWorker}. */
export interface RolloutWorkerOptions {
  readonly store: StateStore;
  readonly memberId: string;
  /** This member's runtime (see `runtimeMover`). */
  readonly local: LocalMover;
  /** Requests are picked up on notification; without a hub, by polling alone. */
  readonly hub?: ChangeHub;
  /** Scan for requests at least this often: the fallback for a missed notification (default 2 s). */
  readonly pollMs?: number;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

/**
 * The member side of a cluster rollout: picks up the requests addressed to this member
 * (ChangeFeed notification, plus a periodic scan), runs each on the member's own runtime, one
 * at a time and in the order they were issued, and writes the answer into the request record.
 * A request is obsolete (answered `skipped`, nothing done) when its rollout is no longer
 * running, or when it no longer fits the rollout's phase: a step's move after the leader
 * decided to roll back, a commit before the commit phase.
 */
export class RolloutWorker {
  readonly #o: RolloutWorkerOptions;
  readonly #log: Logger;
  readonly #queued = new Set<string>();
  #chain: Promise<void> = Promise.resolve();
  #off: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(options: RolloutWorkerOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger;
  }

  /** Starts listening and scans once for requests written while this member was away. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#off = this.#o.hub?.on((e) => {
      if (e.kind === 'reconcile') void this.scan();
      else if (isRequestKeyFor(e.key, this.#o.memberId)) this.#enqueue(e.key);
    });
    this.#timer = setInterval(() => void this.scan(), this.#o.pollMs ?? 2000);
    this.#timer.unref();
    await this.scan();
  }

  /** Stops picking up requests and waits for the one in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#off?.();
    clearInterval(this.#timer);
    await this.#chain;
  }

  /** Queues every pending request addressed to this member, oldest first. */
  async scan(): Promise<void> {
    if (this.#stopped) return;
    try {
      const all = await this.#o.store.list<StoredRequest>(ROLLOUTS_PREFIX);
      const mine = all
        .filter((r) => isRequestKeyFor(r.key, this.#o.memberId) && r.value.status === 'pending')
        .sort((a, b) => (a.value.issuedAt < b.value.issuedAt ? -1 : 1));
      for (const r of mine) this.#enqueue(r.key);
    } catch (err) {
      // The database is briefly away: the next scan (or notification) picks the requests up.
      this.#log.warn({ err: serializeError(err) }, 'rollout worker scan failed');
    }
  }

  /** Resolves once every request queued so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.#chain;
  }

  #enqueue(key: string): void {
    if (this.#stopped || this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#chain = this.#chain.then(async () => {
      try {
        await this.#handle(key);
      } catch (err) {
        // Left pending: the next scan retries it (the local move is idempotent).
        this.#log.warn({ key, err: serializeError(err) }, 'rollout request not handled');
      } finally {
        this.#queued.delete(key);
      }
    });
  }

  async #handle(key: string): Promise<void> {
    const { store } = this.#o;
    const req = await store.get<StoredRequest>(key);
    if (req?.value.status !== 'pending' || req.value.member !== this.#o.memberId) return;
    const r = req.value;
    const rollout = (await store.get<ClusterRolloutRecord>(rolloutKey(r.rolloutId)))?.value;
    const fits =
      rollout?.state === 'running' &&
      (r.kind === 'rollback' ||
        (r.kind === 'move' && rollout.phase === 'moving') ||
        (r.kind === 'commit' && rollout.phase === 'committing'));
    const result: MoveResult = !fits
      ? { ok: true, moved: [], skipped: true }
      : r.kind === 'commit'
        ? await this.#o.local.commit(r.driverId, r.to)
        : await this.#o.local.move(r.driverId, r.to, r.resources);
    this.#log.info(
      { rollout: r.rolloutId, kind: r.kind, n: r.n, ok: result.ok, skipped: result.skipped },
      'rollout request handled',
    );
    const answeredAt = (this.#o.now?.() ?? new Date()).toISOString();
    // A failed write leaves the request pending: the next scan runs it again, which finds the
    // resources already moved (idempotent) and writes the answer then.
    await updateState<StoredRequest>(store, key, (cur) =>
      cur && cur.status === 'pending' ? { ...cur, status: 'done', result, answeredAt } : undefined,
    );
  }
}
