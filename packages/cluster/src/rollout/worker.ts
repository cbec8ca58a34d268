import {
  type Logger,
  type SerializedError,
  type StateStore,
  silentLogger,
  updateState,
} from '@chassis/kernel';
import type { ChangeHub } from './change-hub.js';
import { isRequestKeyFor, ROLLOUTS_PREFIX, rolloutKey, type StoredRequest } from './keys.js';
import { RecordQueue } from './record-queue.js';
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
  readonly #queue: RecordQueue;

  constructor(options: RolloutWorkerOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger;
    const { store, memberId } = options;
    this.#queue = new RecordQueue({
      ...(options.hub ? { hub: options.hub } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      logger: this.#log,
      matches: (key) => isRequestKeyFor(key, memberId),
      // Every pending request addressed to this member, oldest first.
      list: async () =>
        (await store.list<StoredRequest>(ROLLOUTS_PREFIX))
          .filter((r) => isRequestKeyFor(r.key, memberId) && r.value.status === 'pending')
          .sort((x, y) => (x.value.issuedAt < y.value.issuedAt ? -1 : 1))
          .map((r) => r.key),
      handle: (key) => this.#handle(key),
      scanFailed: 'rollout worker scan failed',
    });
  }

  /** Starts listening and scans once for requests written while this member was away. */
  async start(): Promise<void> {
    this.#queue.start();
    await this.#queue.scan();
  }

  /** Stops picking up requests and waits for the one in progress. */
  stop(): Promise<void> {
    return this.#queue.stop();
  }

  /** Queues every pending request addressed to this member, oldest first. */
  scan(): Promise<void> {
    return this.#queue.scan();
  }

  /** Resolves once every request queued so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.#queue.idle();
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
    const answer: MoveResult = !fits
      ? { ok: true, moved: [], skipped: true }
      : r.kind === 'commit'
        ? await this.#o.local.commit(r.driverId, r.to)
        : await this.#o.local.move(r.driverId, r.to, r.resources);
    this.#log.info(
      { rollout: r.rolloutId, kind: r.kind, n: r.n, ok: answer.ok, skipped: answer.skipped },
      'rollout request handled',
    );
    if (answer.error)
      this.#log.warn({ rollout: r.rolloutId, err: answer.error }, 'rollout request failed here');
    const result = locatedAnswer(answer, {
      member: this.#o.memberId,
      ...(r.kind === 'commit' ? {} : { resources: r.resources }),
    });
    const answeredAt = (this.#o.now?.() ?? new Date()).toISOString();
    // A failed write leaves the request pending: the next scan runs it again, which finds the
    // resources already moved (idempotent) and writes the answer then.
    await updateState<StoredRequest>(store, key, (cur) =>
      cur && cur.status === 'pending' ? { ...cur, status: 'done', result, answeredAt } : undefined,
    );
  }
}

/**
 * A member's answer as the leader records it: a failure's own error (a health check, a start,
 * a migration) names this member and the request's resources in its details (kept when the
 * error names them already), so that the rollout's `CHASSIS_E_CLUSTER_ROLLOUT_FAILED` carries a
 * cause that says where it failed. Stacks are dropped (this member's log has them; the record is
 * shared and shown over HTTP). Pure.
 */
export function locatedAnswer(
  answer: MoveResult,
  where: { readonly member: string; readonly resources?: readonly string[] },
): MoveResult {
  if (!answer.error) return answer;
  return { ...answer, error: located(answer.error, where) };
}

function located(
  e: SerializedError,
  where: { readonly member: string; readonly resources?: readonly string[] },
): SerializedError {
  const { stack: _stack, cause, ...rest } = e;
  return {
    ...rest,
    details: {
      member: where.member,
      ...(where.resources ? { resources: [...where.resources] } : {}),
      ...e.details,
    },
    ...(cause ? { cause: stackless(cause) } : {}),
  };
}

function stackless(e: SerializedError): SerializedError {
  const { stack: _stack, cause, ...rest } = e;
  return cause ? { ...rest, cause: stackless(cause) } : rest;
}
