import { setTimeout as sleep } from 'node:timers/promises';
import type { StateRecord, StateStore } from '@chassis/kernel';
import { ChassisError, serializeError } from '@chassis/kernel';
import { commitRequests, rollbackRequests, stepRequest } from './phase-requests.js';
import { commitAnswered, rollbackAnswered } from './record-updates.js';
import { reassignRollback, rollbackConfirmed } from './rollback-settle.js';
import {
  batchKey,
  ownersUnavailable,
  settleStep,
  toReassign,
  withDeparted,
} from './step-settle.js';
import type { ClusterFacts, ClusterRolloutRecord, MemberMover, MoveResult } from './types.js';
import { type AskWatch, askWatched, supersede } from './watched-ask.js';

/** Who owns what and who is alive, read from the shared database now (uncached). */
export type OwnershipReader = () => Promise<{
  readonly owners: ReadonlyMap<string, string>;
  readonly members: ReadonlyMap<string, unknown>;
}>;

/** How the coordinator follows owners that come and go during a rollout. */
export interface FailoverOptions {
  /**
   * Owners and alive members read from the database now. With it, a resource whose owner
   * leaves (or stops serving it) mid-rollout is re-assigned to its new owner instead of failing
   * the step, a member that left is not waited for at the commit, and a rollback asks the
   * current owners (see `settleStep`). Without it, the plan's owners are final.
   */
  readonly ownership?: OwnershipReader;
  /** While waiting for answers, look at the members this often (default 500 ms). */
  readonly watchMs?: number;
  /** How long a resource may wait for a new live owner after its owner left (default 60 s). */
  readonly ownerWaitMs?: number;
}

/** The context of one run of the phases, with the defaults of {@link FailoverOptions}. */
export function phaseContext(
  o: FailoverOptions & { readonly store: StateStore; readonly mover: MemberMover },
  run: Pick<PhaseContext, 'write' | 'now' | 'signal'>,
): PhaseContext {
  return {
    store: o.store,
    mover: o.mover,
    ...(o.ownership ? { ownership: o.ownership } : {}),
    watchMs: o.watchMs ?? 500,
    ownerWaitMs: o.ownerWaitMs ?? 60_000,
    ...run,
  };
}

/** What the coordinator lends {@link runStep}, {@link runCommit} and {@link runRollback}. */
export interface PhaseContext {
  readonly store: StateStore;
  readonly mover: MemberMover;
  /** The coordinator's fenced compare-and-set of the record. */
  readonly write: (
    cur: StateRecord<ClusterRolloutRecord>,
    next: ClusterRolloutRecord,
  ) => Promise<StateRecord<ClusterRolloutRecord>>;
  /** Absent: the plan's owners are final (no re-plan; a member not answering fails the step). */
  readonly ownership?: OwnershipReader;
  readonly watchMs: number;
  /** How long a resource may wait for a live owner after its owner left. */
  readonly ownerWaitMs: number;
  readonly now: () => string;
  readonly signal: AbortSignal;
}

const RESOURCE_PREFIX = 'resources/';

async function alive(ctx: PhaseContext): Promise<ReadonlySet<string> | undefined> {
  if (!ctx.ownership) return undefined;
  return new Set((await ctx.ownership()).members.keys());
}

const watchOf = (ctx: PhaseContext): AskWatch | undefined =>
  ctx.ownership
    ? { everyMs: ctx.watchMs, alive: async () => (await alive(ctx)) ?? new Set() }
    : undefined;

/**
 * Ownership first, then the records of the resources to re-assign: once a new owner holds a
 * resource's lease, the old owner can no longer write its record, so what is read after is
 * final as far as the old owner goes.
 */
async function factsFor(
  ctx: PhaseContext,
  record: ClusterRolloutRecord,
  i: number,
  answers: ReadonlyMap<string, MoveResult>,
): Promise<ClusterFacts | undefined> {
  if (!ctx.ownership) return undefined;
  const snapshot = await ctx.ownership();
  const live = new Set(snapshot.members.keys());
  const present = new Set<string>();
  for (const id of toReassign(record, i, answers, live))
    if (await ctx.store.get(`${RESOURCE_PREFIX}${id}`)) present.add(id);
  return { owners: snapshot.owners, alive: live, present };
}

/**
 * Drives step `i` until it is `done` or `failed`: asks every open batch, records each answer,
 * and re-plans when a member leaves or does not serve a resource any more (see `settleStep`).
 * A batch whose member left is superseded in the store first; an answer it wrote before that
 * counts. Resources waiting for a live owner longer than `ownerWaitMs` fail the step.
 */
export async function runStep(
  ctx: PhaseContext,
  start: StateRecord<ClusterRolloutRecord>,
  i: number,
): Promise<StateRecord<ClusterRolloutRecord>> {
  let cur = start;
  const answers = new Map<string, MoveResult>();
  let waitingSince: number | undefined;
  for (;;) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const facts = await factsFor(ctx, cur.value, i, answers);
    const s = settleStep(cur.value, i, answers, facts);
    let late = false;
    for (const b of s.superseded) {
      const answer = await supersede(ctx.store, stepRequest(cur.value, i, b), ctx.now());
      if (answer) {
        answers.set(batchKey(b), answer);
        late = true;
      }
    }
    // The member answered before it left: settle again with its answer.
    if (late) continue;
    if (s.changed) cur = await ctx.write(cur, s.record);
    if (cur.value.steps[i] !== 'running') return cur;
    if (s.waiting.length > 0) {
      waitingSince ??= Date.now();
      const waited = Date.now() - waitingSince;
      if (waited > ctx.ownerWaitMs)
        return ctx.write(cur, ownersUnavailable(cur.value, i, s.waiting, waited));
    } else waitingSince = undefined;
    if (s.ask.length === 0) {
      // Only resources waiting for their new owner's lease: look again shortly.
      await sleep(ctx.watchMs, undefined, { signal: ctx.signal }).catch(() => undefined);
      continue;
    }
    const requests = s.ask.map((b) => stepRequest(cur.value, i, b));
    const got = await askWatched(ctx.mover, requests, ctx.signal, watchOf(ctx));
    got.forEach((a, k) => {
      const b = s.ask[k];
      if (a && b) answers.set(batchKey(b), a);
    });
  }
}

/**
 * The commit phase: every member of the plan that is still alive makes `to` active. A member
 * that leaves meanwhile is recorded `departed` and not waited for (it loads the active version
 * from the driver record when it comes back); the rollout closes once every other one answered.
 */
export async function runCommit(
  ctx: PhaseContext,
  start: StateRecord<ClusterRolloutRecord>,
): Promise<StateRecord<ClusterRolloutRecord>> {
  let cur = start;
  for (;;) {
    const live = await alive(ctx);
    if (live) {
      const next = withDeparted(cur.value, live);
      if (next !== cur.value) cur = await ctx.write(cur, next);
    }
    const { members, requests } = commitRequests(cur.value);
    const got = await askWatched(ctx.mover, requests, ctx.signal, watchOf(ctx));
    if (got.every((a) => a !== undefined))
      return ctx.write(cur, commitAnswered(cur.value, members, got, ctx.now()));
    // A member left while it was asked: keep what the others answered, then ask again.
    const committed = members.filter((_, k) => got[k]?.ok);
    cur = await ctx.write(cur, {
      ...cur.value,
      committed: [...cur.value.committed, ...committed].sort(),
    });
  }
}

/**
 * The rollback: every resource that may have moved goes back to `from` on the member that owns
 * it now. A resource whose member left goes to its new owner once one holds its lease (bounded
 * by `ownerWaitMs`); a member leaving while asked gets its resources re-assigned and asked
 * again in the next round. Closes the rollout `rolled-back`, or `failed` naming what no member
 * confirmed back (`unsettled`).
 */
export async function runRollback(
  ctx: PhaseContext,
  start: StateRecord<ClusterRolloutRecord>,
): Promise<StateRecord<ClusterRolloutRecord>> {
  let cur = start;
  const since = Date.now();
  for (let round = 0; ; round++) {
    let overdue = Date.now() - since > ctx.ownerWaitMs;
    if (ctx.ownership) {
      const snapshot = await ctx.ownership();
      const r = reassignRollback(cur.value, {
        owners: snapshot.owners,
        alive: new Set(snapshot.members.keys()),
      });
      if (r.changed) cur = await ctx.write(cur, r.record);
      if (r.waiting.length > 0 && !overdue) {
        await sleep(ctx.watchMs, undefined, { signal: ctx.signal }).catch(() => undefined);
        if (ctx.signal.aborted) throw ctx.signal.reason;
        round--;
        continue;
      }
    }
    const { batches, requests } = rollbackRequests(cur.value, round);
    const got = await askWatched(ctx.mover, requests, ctx.signal, watchOf(ctx));
    overdue = Date.now() - since > ctx.ownerWaitMs;
    if (got.every((a) => a !== undefined) || overdue) {
      const answers = got.map((a, k) => a ?? gone(requests[k]?.member ?? '?'));
      return ctx.write(cur, rollbackAnswered(cur.value, batches, answers, ctx.now()));
    }
    cur = await ctx.write(cur, rollbackConfirmed(cur.value, batches, got));
  }
}

const gone = (member: string) => ({
  ok: false,
  moved: [],
  error: serializeError(
    new ChassisError(
      'CHASSIS_E_CLUSTER_MEMBER_TIMEOUT',
      `Member ${member} left the cluster before it confirmed its resources back, and no new owner took them in time`,
      { details: { member, retryable: true } },
    ),
  ),
});
