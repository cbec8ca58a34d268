import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChassisError,
  type Logger,
  type StateRecord,
  type StateStore,
  serializeError,
  silentLogger,
} from '@chassis/kernel';
import { DEFAULT_ROLLOUT, type RolloutPolicy } from '@chassis/runtime';
import { type Observable, Subject } from 'rxjs';
import { collectAnswers, recovered } from './adoption.js';
import { planClusterRollout } from './cluster-plan.js';
import { notLeader, writeRecord } from './fenced-record.js';
import { listRollouts, rolloutKey } from './keys.js';
import {
  type FailoverOptions,
  phaseContext,
  runCommit,
  runRollback,
  runStep,
} from './phase-runner.js';
import { newRolloutRecord, rolloutFailed, stepStarted } from './record-updates.js';
import type { ClusterRolloutRecord, MemberMover, OwnedResource } from './types.js';

/** Options of {@link RolloutCoordinator}. */
export interface RolloutCoordinatorOptions extends FailoverOptions {
  readonly store: StateStore;
  readonly memberId: string;
  /** `() => elector.isLeader`: checked before every write of a rollout record. */
  readonly isLeader: () => boolean;
  /** How a member is asked to move (e.g. {@link StoreMemberMover}). */
  readonly mover: MemberMover;
  /** Versions of a driver installed in the cluster, for the recovery rule (default: both). */
  readonly installed?: (driverId: string) => readonly string[] | undefined;
  /** While started, the leader looks for orphaned `running` rollouts this often (default 5 s). */
  readonly resumeEveryMs?: number;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

/** What the leader is asked to roll out. */
export interface ClusterRolloutRequest {
  /**
   * The rollout id (default: a new one). A request sent to a non-leader passes its own id, so
   * that a second leader beginning it again conflicts on the record instead of running it twice.
   */
  readonly id?: string;
  /** Recorded with the rollout, so any member reports it (default upgrade). */
  readonly action?: 'upgrade' | 'rollback';
  readonly driverId: string;
  readonly from: string;
  readonly to: string;
  /** Counted across the cluster (default one at a time). */
  readonly policy?: RolloutPolicy;
  /** Every resource of the driver on `from`, with its owner. */
  readonly resources: readonly OwnedResource[];
  /** Members that must make `to` active even with no resource to move. */
  readonly members?: readonly string[];
  readonly principal: string;
}

/**
 * The leader's cluster-wide rollout. {@link begin} persists the plan in `rollouts/<id>` before
 * anything is acknowledged; {@link run} then drives it step by step, each step's batches at once
 * on their owners (through the {@link MemberMover}), recording every answer with compare-and-set.
 * A failed step (start, migrate, health check, or a member that does not answer in time) sends
 * every resource that may have moved back to `from` on every member; the record is closed
 * `rolled-back` with `CHASSIS_E_CLUSTER_ROLLOUT_FAILED`. With `ownership`, an owner that leaves
 * is no failure: its step is re-planned onto the new owners (see `settleStep`). After all
 * steps, every member makes `to` active. A new leader calls {@link resume}: it adopts each rollout
 * still `running` (bumping its epoch fences the old leader) and finishes or rolls it back per
 * `planClusterRecovery`.
 */
export class RolloutCoordinator {
  readonly #o: RolloutCoordinatorOptions;
  readonly #log: Logger;
  readonly #runs = new Map<
    string,
    { abort: AbortController; done: Promise<ClusterRolloutRecord> }
  >();
  /** Rollouts this coordinator holds, with the epoch it holds them at. */
  readonly #held = new Map<string, number>();
  readonly #events = new Subject<ClusterRolloutRecord>();
  #timer: NodeJS.Timeout | undefined;
  /** Every persisted change of a rollout record this coordinator wrote. */
  readonly events$: Observable<ClusterRolloutRecord> = this.#events.asObservable();

  constructor(options: RolloutCoordinatorOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger;
  }

  #now(): string {
    return (this.#o.now?.() ?? new Date()).toISOString();
  }

  /** Plans and persists a rollout; resolves once the record is written (nothing moved yet). */
  async begin(req: ClusterRolloutRequest): Promise<ClusterRolloutRecord> {
    if (!this.#o.isLeader()) throw notLeader(this.#o.memberId);
    const plan = planClusterRollout({
      driverId: req.driverId,
      resources: req.resources,
      policy: req.policy ?? DEFAULT_ROLLOUT,
      from: req.from,
      to: req.to,
      ...(req.members ? { members: req.members } : {}),
    });
    const busy = (await listRollouts(this.#o.store)).find(
      (r) => r.value.driverId === req.driverId && r.value.state === 'running',
    );
    if (busy) {
      throw new ChassisError(
        'CHASSIS_E_UPGRADE_IN_PROGRESS',
        `Rollout ${busy.value.id} of ${req.driverId} is still running in the cluster; wait for it to finish`,
        { details: { driver: req.driverId, rollout: busy.value.id } },
      );
    }
    const at = this.#now();
    const id = req.id ?? `${at.slice(0, 10)}-${randomUUID()}`;
    const record = newRolloutRecord({ ...req, id, plan, leader: this.#o.memberId, at });
    await this.#o.store.put(rolloutKey(id), record, 0);
    this.#held.set(id, 1);
    this.#events.next(record);
    return record;
  }

  /** Begins and runs to the end; rejects `CHASSIS_E_CLUSTER_ROLLOUT_FAILED` (with `record`) unless it succeeded. */
  async rollout(req: ClusterRolloutRequest): Promise<ClusterRolloutRecord> {
    const record = await this.run((await this.begin(req)).id);
    if (record.state === 'succeeded') return record;
    const err = ChassisError.fromJSON(
      record.error ?? rolloutFailed(record, `it ended ${record.state}`),
    );
    throw Object.assign(err, { record });
  }

  /** Drives one rollout until it is closed; the same promise for concurrent callers. */
  run(id: string): Promise<ClusterRolloutRecord> {
    const running = this.#runs.get(id);
    if (running) return running.done;
    const abort = new AbortController();
    const done = this.#run(id, abort.signal).finally(() => this.#runs.delete(id));
    this.#runs.set(id, { abort, done });
    return done;
  }

  /**
   * On becoming leader: adopts and drives every rollout still `running` that this coordinator
   * does not drive already. Resolves with their final records (those this member lost again are
   * left out: the next leader resumes them). Never rejects.
   */
  async resume(): Promise<ClusterRolloutRecord[]> {
    if (!this.#o.isLeader()) return [];
    let open: Awaited<ReturnType<typeof listRollouts>>;
    try {
      open = (await listRollouts(this.#o.store)).filter((r) => r.value.state === 'running');
    } catch (err) {
      // Database away: the periodic resume (or the next leader) tries again.
      this.#log.warn({ err: serializeError(err) }, 'could not list rollouts to resume');
      return [];
    }
    const out = await Promise.allSettled(open.map((r) => this.run(r.value.id)));
    return out.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  }

  /**
   * Periodic {@link resume} while this member leads: a rollout whose run stopped (database
   * away longer than the write retries) is picked up again without a change of leader.
   */
  start(): void {
    this.#timer ??= setInterval(() => {
      if (this.#o.isLeader()) void this.resume();
    }, this.#o.resumeEveryMs ?? 5000);
    this.#timer.unref();
  }

  /** Stops the periodic resume and every run (as {@link stepDown}). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.stepDown();
  }

  /** On losing leadership: stops waiting for members; every run ends `CHASSIS_E_CLUSTER_NOT_LEADER`. */
  stepDown(): void {
    for (const [id, r] of this.#runs) r.abort.abort(notLeader(this.#o.memberId, id));
    this.#held.clear();
  }

  async #run(id: string, signal: AbortSignal): Promise<ClusterRolloutRecord> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#runOnce(id, signal);
      } catch (err) {
        // Fenced while still holding the lock: a stale leader wrote last (it stops at its next
        // check). Adopt the record again, a bounded number of times.
        const retry =
          ChassisError.is(err, 'CHASSIS_E_CLUSTER_FENCED') &&
          this.#o.isLeader() &&
          !signal.aborted &&
          attempt < 5;
        this.#log.warn(
          { rollout: id, err: serializeError(err), retry },
          'stopped coordinating a rollout',
        );
        if (!retry) throw err;
        this.#held.delete(id);
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  async #runOnce(id: string, signal: AbortSignal): Promise<ClusterRolloutRecord> {
    let cur = await this.#o.store.get<ClusterRolloutRecord>(rolloutKey(id));
    if (!cur) {
      throw new ChassisError(
        'CHASSIS_E_STATE_IO',
        `Rollout record ${rolloutKey(id)} does not exist`,
        {
          details: { key: rolloutKey(id) },
        },
      );
    }
    if (cur.value.state !== 'running') return cur.value;
    if (this.#held.get(id) !== cur.value.epoch || cur.value.leader !== this.#o.memberId)
      cur = await this.#adopt(cur, signal);
    return await this.#drive(cur, signal);
  }

  async #write(
    cur: StateRecord<ClusterRolloutRecord>,
    next: ClusterRolloutRecord,
    signal: AbortSignal,
  ): Promise<StateRecord<ClusterRolloutRecord>> {
    if (signal.aborted) throw signal.reason;
    const written = await writeRecord(
      this.#o.store,
      cur,
      { ...next, updatedAt: this.#now() },
      { memberId: this.#o.memberId, isLeader: this.#o.isLeader },
    );
    this.#events.next(written.value);
    return written;
  }

  /** Takes a rollout over: epoch + 1 (fences the old leader), collect answers, apply the rule. */
  async #adopt(
    found: StateRecord<ClusterRolloutRecord>,
    signal: AbortSignal,
  ): Promise<StateRecord<ClusterRolloutRecord>> {
    const epoch = found.value.epoch + 1;
    const installed = this.#o.installed?.(found.value.driverId);
    let cur = await this.#write(found, { ...found.value, leader: this.#o.memberId, epoch }, signal);
    this.#held.set(cur.value.id, epoch);
    const rec = recovered(await collectAnswers(this.#o.store, cur.value), {
      by: this.#o.memberId,
      previousLeader: found.value.leader,
      at: this.#now(),
      ...(installed ? { installed } : {}),
    });
    this.#log.info({ rollout: rec.id, epoch, outcome: rec.recovery?.outcome }, 'adopted a rollout');
    cur = await this.#write(cur, rec, signal);
    return cur;
  }

  async #drive(
    start: StateRecord<ClusterRolloutRecord>,
    signal: AbortSignal,
  ): Promise<ClusterRolloutRecord> {
    let cur = start;
    const phase = phaseContext(this.#o, {
      write: (c, next) => this.#write(c, next, signal),
      now: () => this.#now(),
      signal,
    });
    while (cur.value.state === 'running') {
      const rec = cur.value;
      if (rec.phase === 'moving') {
        const i = rec.steps.findIndex((s) => s !== 'done');
        if (i === -1) {
          cur = await this.#write(cur, { ...rec, phase: 'committing' }, signal);
          continue;
        }
        cur = await this.#write(cur, stepStarted(rec, i), signal);
        cur = await runStep(phase, cur, i);
      } else if (rec.phase === 'rolling-back') {
        cur = await runRollback(phase, cur);
      } else {
        cur = await runCommit(phase, cur);
      }
    }
    this.#held.delete(cur.value.id);
    return cur.value;
  }
}
