import {
  ChassisError,
  type Logger,
  type StateRecord,
  type StateStore,
  serializeError,
  silentLogger,
} from '@chassis/kernel';
import { isRolloutKey, ROLLOUTS_PREFIX } from '../rollout/keys.js';
import {
  DEFAULT_RETENTION,
  type PruningPlan,
  planPruning,
  type RolloutRetention,
} from '../rollout/retention.js';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import {
  ROLLOUT_REQUESTS_PREFIX,
  type RolloutRequestRecord,
  rolloutRequestKey,
} from './rollout-requests.js';

/** Options of {@link RolloutPruner}. */
export interface RolloutPrunerOptions {
  readonly store: StateStore;
  /** Only the leader prunes (`() => elector.isLeader`), checked before every delete. */
  readonly isLeader: () => boolean;
  readonly retention?: RolloutRetention;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

/** What one pass removed (keys), for logs and tests. */
export interface PruneResult extends PruningPlan {
  /** Every key deleted: step requests, rollout records, rollout requests. */
  readonly deleted: readonly string[];
}

/**
 * The leader's clean-up of finished cluster rollouts (`rollouts/<id>` with its step requests,
 * `rollout-requests/<id>`) per {@link planPruning}: periodically (`pruneEveryMs`) and after a
 * rollout ends ({@link schedule}). One pass at a time, bounded by `maxPerPass`. Each delete is
 * compare-and-set on the version read, so a record that changed since (a rollout adopted or
 * answered meanwhile) is left for the next pass to judge again; a running rollout is never
 * removed.
 */
export class RolloutPruner {
  readonly #o: RolloutPrunerOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PruneResult> | undefined;
  #again = false;

  constructor(options: RolloutPrunerOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger;
  }

  start(): void {
    const every = this.#o.retention?.pruneEveryMs ?? DEFAULT_RETENTION.pruneEveryMs;
    this.#timer ??= setInterval(() => this.schedule(), every);
    this.#timer.unref();
  }

  stop(): Promise<unknown> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#again = false;
    return this.#running ?? Promise.resolve();
  }

  /** Asks for a pass (a request during a pass causes exactly one more); never rejects. */
  schedule(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    void this.prune().catch((err: unknown) =>
      this.#log.warn({ err: serializeError(err) }, 'pruning rollouts failed'),
    );
  }

  /** One pass now (joins the pass in progress). Rejects only when the store does. */
  prune(): Promise<PruneResult> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.schedule();
      }
    });
    return this.#running;
  }

  async #pass(): Promise<PruneResult> {
    const { store, isLeader } = this.#o;
    if (!isLeader()) return { rollouts: [], requests: [], deleted: [] };
    // Requests first: a request marked `begun` after this read always finds its record in the
    // read below, so "begun without a record" can only mean the record was pruned.
    const requests = await store.list<RolloutRequestRecord>(ROLLOUT_REQUESTS_PREFIX);
    const all = await store.list<ClusterRolloutRecord>(ROLLOUTS_PREFIX);
    const records = new Map<string, StateRecord<ClusterRolloutRecord>>();
    const children = new Map<string, StateRecord<unknown>[]>();
    for (const r of all) {
      if (isRolloutKey(r.key)) records.set(r.value.id, r);
      else {
        const id = r.key.split('/')[1] as string;
        children.set(id, [...(children.get(id) ?? []), r]);
      }
    }
    const plan = planPruning({
      rollouts: [...records.values()].map((r) => r.value),
      requests: requests.map((r) => ({ ...r.value, updatedAt: r.updatedAt })),
      orphans: [...children.keys()].filter((id) => !records.has(id)),
      now: this.#o.now?.() ?? new Date(),
      ...(this.#o.retention ? { retention: this.#o.retention } : {}),
    });
    const deleted: string[] = [];
    const remove = async (r: StateRecord<unknown> | undefined) => {
      if (!r || !isLeader()) return false;
      try {
        await store.delete(r.key, r.version);
        deleted.push(r.key);
        return true;
      } catch (err) {
        // Changed since it was read (or already gone): the next pass judges it again.
        if (ChassisError.is(err, 'CHASSIS_E_STATE_CONFLICT')) return false;
        throw err;
      }
    };
    for (const id of plan.rollouts) {
      // Step requests first: an interrupted pass leaves a finished record with fewer of them
      // (harmless), or orphans the next pass removes.
      for (const c of children.get(id) ?? []) await remove(c);
      const record = records.get(id);
      if (record && !(await remove(record))) continue;
      const req = requests.find((q) => q.key === rolloutRequestKey(id));
      if (req) await remove(req);
    }
    for (const id of plan.requests) {
      if (plan.rollouts.includes(id)) continue;
      await remove(requests.find((q) => q.key === rolloutRequestKey(id)));
    }
    if (deleted.length > 0)
      this.#log.info({ rollouts: plan.rollouts, requests: plan.requests }, 'pruned rollouts');
    return { ...plan, deleted };
  }
}
