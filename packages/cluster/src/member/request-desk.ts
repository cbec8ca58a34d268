import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChassisError,
  type Logger,
  type StateStore,
  serializeError,
  silentLogger,
  updateState,
} from '@chassis/kernel';
import { type ChangeHub, waitFor } from '../rollout/change-hub.js';
import type { ClusterRolloutRequest, RolloutCoordinator } from '../rollout/coordinator.js';
import { rolloutKey } from '../rollout/keys.js';
import { RecordQueue } from '../rollout/record-queue.js';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import {
  deskAction,
  ROLLOUT_REQUESTS_PREFIX,
  type RolloutRequestRecord,
  type RolloutRequestStatus,
  requestOutcome,
  rolloutRequestKey,
} from './rollout-requests.js';

/** Options of {@link RolloutRequestDesk}. */
export interface RequestDeskOptions {
  readonly store: StateStore;
  readonly memberId: string;
  readonly isLeader: () => boolean;
  readonly coordinator: Pick<RolloutCoordinator, 'begin' | 'run'>;
  /** The leader's own view of what the request moves (resources, owners, members). */
  readonly plan: (request: RolloutRequestRecord) => Promise<ClusterRolloutRequest>;
  readonly hub?: ChangeHub;
  /** Scan for requests at least this often (default 2 s). */
  readonly pollMs?: number;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

/**
 * The leader's side of requests sent to other members: picks up `rollout-requests/<id>`
 * (ChangeFeed notification, a periodic scan, and a scan on becoming leader), begins each as
 * rollout `rollouts/<id>` through the coordinator and lets it run. One request at a time, so
 * two requests for one driver meet the coordinator's "one running rollout per driver" check in
 * turn. A non-leader does nothing: the next leader finds every request still open.
 */
export class RolloutRequestDesk {
  readonly #o: RequestDeskOptions;
  readonly #log: Logger;
  readonly #queue: RecordQueue;

  constructor(options: RequestDeskOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger;
    this.#queue = new RecordQueue({
      ...(options.hub ? { hub: options.hub } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      logger: this.#log,
      active: options.isLeader,
      matches: (key) => key.startsWith(ROLLOUT_REQUESTS_PREFIX),
      // Every open request, oldest first.
      list: async () =>
        (await options.store.list<RolloutRequestRecord>(ROLLOUT_REQUESTS_PREFIX))
          .sort((x, y) => (x.value.requestedAt < y.value.requestedAt ? -1 : 1))
          .filter((r) => r.value.status === 'pending' || r.value.status === 'claimed')
          .map((r) => r.key),
      handle: (key) => this.#handle(key),
      scanFailed: 'rollout request scan failed',
    });
  }

  start(): void {
    this.#queue.start();
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  /** Queues every open request (call it on becoming leader too). */
  scan(): Promise<void> {
    return this.#queue.scan();
  }

  #mark(key: string, from: readonly RolloutRequestStatus[], next: Partial<RolloutRequestRecord>) {
    return updateState<RolloutRequestRecord>(this.#o.store, key, (cur) =>
      cur && from.includes(cur.status) ? { ...cur, ...next } : undefined,
    );
  }

  async #handle(key: string): Promise<void> {
    const { store, coordinator, memberId } = this.#o;
    if (!this.#o.isLeader()) return;
    const req = (await store.get<RolloutRequestRecord>(key))?.value;
    if (!req) return;
    const exists = (await store.get(rolloutKey(req.id))) !== undefined;
    const action = deskAction(req, exists, this.#o.now?.() ?? new Date());
    if (action === 'none') return;
    if (action === 'expire') {
      await this.#mark(key, ['pending'], { status: 'cancelled' });
      return;
    }
    if (action === 'begin') {
      // Claim first: a sender that gives up can only cancel a request no leader has taken.
      const claimed = await this.#mark(key, ['pending', 'claimed'], {
        status: 'claimed',
        leader: memberId,
      });
      if (claimed?.value.status !== 'claimed' || claimed.value.leader !== memberId) return;
      try {
        await coordinator.begin({ ...(await this.#o.plan(req)), id: req.id });
      } catch (err) {
        // A former leader created the record meanwhile (a conflict, or "in progress" naming
        // this very rollout): it is begun all the same.
        if ((await store.get(rolloutKey(req.id))) === undefined) {
          // Lost the lead meanwhile: leave it claimed, the next leader begins it.
          if (!this.#o.isLeader()) return;
          const error = serializeError(err);
          // Retryable (an owner being taken over, no leader yet): back to pending, so the
          // next scan tries again and the sender can still cancel it at its bound.
          const retry = error.details?.retryable === true && !expired(req, this.#o.now);
          await this.#mark(
            key,
            ['claimed'],
            retry ? { status: 'pending' } : { status: 'refused', error },
          );
          // Still queued meanwhile, so the notification of that write does not spin: the
          // next scan retries.
          if (retry) await sleep(this.#o.pollMs ?? 2000);
          return;
        }
      }
    }
    await this.#mark(key, ['pending', 'claimed'], { status: 'begun', leader: memberId });
    // Driven here; if this member steps down, the next leader's resume adopts it.
    coordinator
      .run(req.id)
      .catch((err: unknown) =>
        this.#log.warn({ rollout: req.id, err: serializeError(err) }, 'requested rollout stopped'),
      );
  }
}

function expired(r: RolloutRequestRecord, now?: () => Date): boolean {
  return (now?.() ?? new Date()).toISOString() > r.expiresAt;
}

/**
 * Writes the durable request of a cluster upgrade or rollback for the leader and returns it at
 * once (`pending`): its id is the rollout's, which any member can be asked about. A request no
 * leader took by `timeoutMs` is cancelled by the next leader (nothing moved).
 */
export async function sendRolloutRequest(
  o: Pick<RequestRolloutOptions, 'store' | 'memberId' | 'timeoutMs' | 'now'>,
  input: Pick<RolloutRequestRecord, 'action' | 'driverId' | 'to' | 'policy' | 'principal'>,
): Promise<RolloutRequestRecord> {
  const now = o.now?.() ?? new Date();
  const id = `${now.toISOString().slice(0, 10)}-${randomUUID()}`;
  const request: RolloutRequestRecord = {
    ...input,
    id,
    requestedBy: o.memberId,
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + o.timeoutMs).toISOString(),
    status: 'pending',
  };
  await o.store.put(rolloutRequestKey(id), request, 0);
  return request;
}

/** Options of {@link requestRollout}. */
export interface RequestRolloutOptions {
  readonly store: StateStore;
  readonly memberId: string;
  readonly hub?: ChangeHub;
  /** How long the sender waits for the leader's result (the action's own bound). */
  readonly timeoutMs: number;
  /** Re-read the records at least this often (default 500 ms). */
  readonly pollMs?: number;
  readonly now?: () => Date;
}

/**
 * The sender's side: writes the request, then waits (bounded by `timeoutMs`, not by any call
 * deadline) until the leader's rollout is closed, and returns its record or throws its error
 * with `.record`, exactly as the leader's `coordinator.rollout` would. A request no leader took
 * in time is cancelled (`CHASSIS_E_CLUSTER_MEMBER_TIMEOUT`, nothing moved); one still running
 * at the bound fails `CHASSIS_E_CLUSTER_MEMBER_TIMEOUT` naming the rollout, which goes on.
 */
export async function requestRollout(
  o: RequestRolloutOptions,
  input: Pick<RolloutRequestRecord, 'action' | 'driverId' | 'to' | 'policy' | 'principal'>,
): Promise<ClusterRolloutRecord> {
  const { id } = await sendRolloutRequest(o, input);
  const key = rolloutRequestKey(id);
  const check = async () => {
    const [req, rollout] = await Promise.all([
      o.store.get<RolloutRequestRecord>(key),
      o.store.get<ClusterRolloutRecord>(rolloutKey(id)),
    ]);
    const out = requestOutcome(req?.value, rollout?.value);
    return out.kind === 'wait' ? undefined : out;
  };
  const wait = { key: rolloutKey(id), pollMs: o.pollMs ?? 500, timeoutMs: o.timeoutMs };
  let out = await waitFor(check, o.hub ? { ...wait, hub: o.hub } : wait);
  if (!out) {
    const cancelled = await updateState<RolloutRequestRecord>(o.store, key, (cur) =>
      cur?.status === 'pending' ? { ...cur, status: 'cancelled' } : undefined,
    );
    out = (await check()) ?? {
      kind: 'failed',
      error: new ChassisError(
        'CHASSIS_E_CLUSTER_MEMBER_TIMEOUT',
        cancelled?.value.status === 'cancelled'
          ? `No cluster leader took the ${input.action} of ${input.driverId} to ${input.to} within ${o.timeoutMs} ms; nothing moved: retry once a leader is elected`
          : `The cluster ${input.action} of ${input.driverId} to ${input.to} is still running after ${o.timeoutMs} ms as rollout ${id} on the leader; follow it in the rollout records`,
        { details: { member: o.memberId, rollout: id, timeoutMs: o.timeoutMs, retryable: true } },
      ).toJSON(),
    };
  }
  if (out.kind === 'succeeded') return out.record;
  throw Object.assign(ChassisError.fromJSON(out.error), out.record ? { record: out.record } : {});
}

/** A cluster rollout's request and record by id, as stored now. */
export async function rolloutRecords(
  store: StateStore,
  id: string,
): Promise<{ request?: RolloutRequestRecord; rollout?: ClusterRolloutRecord }> {
  // The request first, then the rollout: the leader writes the rollout before it marks the
  // request `begun`, so a `begun` request read here always finds its rollout (unless pruned).
  // Read together, the rollout could be read just before it was written and the request just
  // after it was marked: neither would say the id exists, and the caller got a 404 for a
  // rollout that runs.
  const request = await store.get<RolloutRequestRecord>(rolloutRequestKey(id));
  const rollout = await store.get<ClusterRolloutRecord>(rolloutKey(id));
  return {
    ...(request ? { request: request.value } : {}),
    ...(rollout ? { rollout: rollout.value } : {}),
  };
}
