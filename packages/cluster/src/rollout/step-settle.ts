import { ChassisError, type SerializedError } from '@chassis/kernel';
import { rolloutFailed } from './record-updates.js';
import type {
  ClusterFacts,
  ClusterRolloutRecord,
  MemberBatch,
  MoveResult,
  Reassignment,
  ResourceOutcome,
  StepMove,
  StepStatus,
} from './types.js';

/**
 * Pure re-planning of a step while owners come and go: what the answers received so far and
 * the facts read from the cluster (ownership, then the resource records) make of the step.
 * The coordinator persists the result with one compare-and-set and asks what is left.
 */

/** How many times one step may be re-planned before it fails (a bound, not a tuning knob). */
export const MAX_STEP_ROUNDS = 16;

/** The key of a batch among a step's answers: its member and round. */
export function batchKey(b: { readonly member: string; readonly round?: number }): string {
  return `${b.member}#${b.round ?? 0}`;
}

const TERMINAL = new Set<ResourceOutcome['status']>(['moved', 'failed', 'deleted', 'rolled-back']);

type Verdict =
  | { readonly kind: 'done'; readonly outcome: ResourceOutcome }
  | { readonly kind: 'failed'; readonly outcome: ResourceOutcome; readonly error?: SerializedError }
  | { readonly kind: 'open' }
  /** Its member left before answering (`departed`) or answered that it does not serve it. */
  | { readonly kind: 'reassign'; readonly departed: boolean };

function notServedError(record: ClusterRolloutRecord, m: StepMove): SerializedError {
  return new ChassisError(
    'CHASSIS_E_CLUSTER_NOT_OWNER',
    `Member ${m.member} does not serve resource ${m.resource} of ${record.driverId} any more: its ownership moved during the rollout`,
    { details: { resource: m.resource, member: m.member, retryable: true } },
  ).toJSON();
}

/** What the answer of `m`'s batch (or its absence) says about `m`. */
function verdict(
  record: ClusterRolloutRecord,
  m: StepMove,
  answer: MoveResult | undefined,
  alive: ReadonlySet<string> | undefined,
): Verdict {
  if (!answer) {
    return alive && !alive.has(m.member) ? { kind: 'reassign', departed: true } : { kind: 'open' };
  }
  const moved = answer.moved.find((x) => x.id === m.resource);
  const notServed = answer.notServed?.includes(m.resource) ?? false;
  if ((moved && moved.to === record.to) || (answer.ok && !notServed)) {
    return {
      kind: 'done',
      outcome: {
        member: m.member,
        status: 'moved',
        version: record.to,
        ...(moved?.pausedMs !== undefined ? { pausedMs: moved.pausedMs } : {}),
      },
    };
  }
  // Without ownership facts nobody can take the resource over: not served is a failure then.
  if (notServed && alive) return { kind: 'reassign', departed: false };
  const error = answer.error ?? (notServed ? notServedError(record, m) : undefined);
  return {
    kind: 'failed',
    outcome: {
      member: m.member,
      status: 'failed',
      version: record.from,
      ...(error ? { error } : {}),
    },
    ...(error ? { error } : {}),
  };
}

/** The moves of step `i` still to settle (not moved, failed or deleted yet). */
function openMoves(record: ClusterRolloutRecord, i: number): StepMove[] {
  return (record.plan.steps[i]?.moves ?? []).filter((m) => {
    const s = record.resources[m.resource]?.status;
    return !(s && TERMINAL.has(s));
  });
}

/**
 * Resources of step `i` that need a new owner: their member left before answering, or
 * answered that it does not serve them. The coordinator reads their records (`present`) for
 * {@link settleStep}.
 */
export function toReassign(
  record: ClusterRolloutRecord,
  i: number,
  answers: ReadonlyMap<string, MoveResult>,
  alive: ReadonlySet<string>,
): string[] {
  return openMoves(record, i)
    .filter((m) => verdict(record, m, answers.get(batchKey(m)), alive).kind === 'reassign')
    .map((m) => m.resource);
}

/** What {@link settleStep} makes of a step. */
export interface StepSettlement {
  readonly record: ClusterRolloutRecord;
  /** False when the record is unchanged (nothing to write). */
  readonly changed: boolean;
  /** Batches to ask now: unanswered, holding a resource still to move, their member alive. */
  readonly ask: readonly MemberBatch[];
  /** Batches whose member left before answering: the coordinator supersedes their requests. */
  readonly superseded: readonly MemberBatch[];
  /** Resources waiting for a live owner (their lease is being taken over). */
  readonly waiting: readonly string[];
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Settles step `i` from the answers so far (by {@link batchKey}) and, when the coordinator
 * knows the cluster (`facts`), re-plans it:
 * - a resource its member answered moved is `moved`; one it failed is `failed` (a real failure:
 *   start, migrate, health check, timeout), and the step fails once no batch is still open;
 * - a resource whose member left before answering, or answered that it does not serve it, goes
 *   to its live owner in a new batch of the next round (a request of its own); whether it
 *   moved before is for the new owner to tell: it serves the resource on the version its
 *   record names (the old owner's writes are fenced once the new lease is held), so a resource
 *   already moved is reported moved and nothing runs twice. No live owner yet: `waiting`. A
 *   resource whose record is gone is `deleted`;
 * - the step is `done` once every resource is moved or deleted.
 * Without `facts` nothing is re-assigned: a member not serving a resource fails the step, as
 * before there was a re-plan. After a failure nothing more is re-assigned (the rollout rolls
 * back). More than {@link MAX_STEP_ROUNDS} rounds fail the step.
 */
export function settleStep(
  record: ClusterRolloutRecord,
  i: number,
  answers: ReadonlyMap<string, MoveResult>,
  facts?: ClusterFacts,
): StepSettlement {
  const step = record.plan.steps[i];
  if (!step) return { record, changed: false, ask: [], superseded: [], waiting: [] };
  const batchOf = new Map(step.batches.map((b) => [batchKey(b), b]));
  const change: Record<string, ResourceOutcome> = {};
  let failure: { member: string; resources: string[]; error?: SerializedError } | undefined;
  const open = new Set<string>();
  const superseded = new Set<string>();
  const reassign: StepMove[] = [];
  for (const m of openMoves(record, i)) {
    const key = batchKey(m);
    const v = verdict(record, m, answers.get(key), facts?.alive);
    if (v.kind === 'open') open.add(key);
    else if (v.kind === 'reassign') {
      if (v.departed) superseded.add(key);
      reassign.push(m);
    } else {
      change[m.resource] = v.outcome;
      if (v.kind === 'failed') {
        failure ??= { member: m.member, resources: [], ...(v.error ? { error: v.error } : {}) };
        if (failure.member === m.member) failure.resources.push(m.resource);
      }
    }
  }
  const round = 1 + Math.max(0, ...step.batches.map((b) => b.round ?? 0));
  const waiting: string[] = [];
  const assigned = new Map<string, string>();
  const reassigned: Reassignment[] = [];
  if (facts && !failure) {
    for (const m of reassign) {
      const cur = record.resources[m.resource];
      if (!facts.present.has(m.resource)) {
        change[m.resource] = {
          member: m.member,
          status: 'deleted',
          version: cur?.version ?? record.from,
        };
        continue;
      }
      const owner = facts.owners.get(m.resource);
      if (!owner || !facts.alive.has(owner) || round > MAX_STEP_ROUNDS) {
        waiting.push(m.resource);
        continue;
      }
      assigned.set(m.resource, owner);
      reassigned.push({ step: i, resource: m.resource, from: m.member, to: owner, round });
      change[m.resource] = {
        member: owner,
        status: 'moving',
        version: cur?.version ?? record.from,
      };
    }
  }
  if (round > MAX_STEP_ROUNDS && waiting.length > 0 && !failure) {
    failure = {
      member: reassign[0]?.member ?? '?',
      resources: waiting.splice(0),
      error: new ChassisError(
        'CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE',
        `Step ${i + 1} of rollout ${record.id} was re-planned ${MAX_STEP_ROUNDS} times and its resources still have no owner that serves them`,
        { details: { rollout: record.id, step: i, retryable: true } },
      ).toJSON(),
    };
  }
  const added = new Map<string, string[]>();
  for (const [r, owner] of assigned) added.set(owner, [...(added.get(owner) ?? []), r]);
  const newBatches: MemberBatch[] = [...added.keys()]
    .sort(byString)
    .map((member) => ({ member, resources: (added.get(member) ?? []).sort(byString), round }));
  const moves = step.moves.map((m) => {
    const owner = assigned.get(m.resource);
    return owner ? { resource: m.resource, member: owner, round } : m;
  });
  const ask = [...[...open].map((k) => batchOf.get(k) as MemberBatch), ...newBatches];
  const status: StepStatus = failure
    ? open.size > 0
      ? 'running'
      : 'failed'
    : ask.length > 0 || waiting.length > 0
      ? 'running'
      : 'done';
  const changed =
    Object.keys(change).length > 0 || status !== record.steps[i] || newBatches.length > 0;
  if (!changed) return { record, changed, ask, superseded: [], waiting };
  const members = [...new Set([...record.plan.members, ...added.keys()])].sort(byString);
  let next: ClusterRolloutRecord = {
    ...record,
    plan: {
      ...record.plan,
      members,
      steps: record.plan.steps.map((s, k) =>
        k === i && newBatches.length > 0
          ? { ...s, moves, batches: [...s.batches, ...newBatches] }
          : s,
      ),
    },
    steps: record.steps.map((s, k) => (k === i ? status : s)),
    resources: { ...record.resources, ...change },
    ...(reassigned.length > 0 ? { reassigned: [...(record.reassigned ?? []), ...reassigned] } : {}),
  };
  if (status === 'failed' && failure) {
    const f = failure;
    next = {
      ...next,
      phase: 'rolling-back',
      error: rolloutFailed(
        record,
        `step ${i + 1} failed on member ${f.member} (${f.resources.join(', ')})`,
        f.error,
        { member: f.member, step: i, resources: f.resources },
      ),
    };
  }
  return {
    record: next,
    changed,
    ask,
    superseded: [...superseded].map((k) => batchOf.get(k) as MemberBatch).filter(Boolean),
    waiting,
  };
}

/**
 * The step failed because resources waited longer than the coordinator's bound for a live
 * owner (`CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE`): the rollout rolls back. Pure.
 */
export function ownersUnavailable(
  record: ClusterRolloutRecord,
  i: number,
  waiting: readonly string[],
  waitedMs: number,
): ClusterRolloutRecord {
  const error = new ChassisError(
    'CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE',
    `Resources ${waiting.join(', ')} of step ${i + 1} had no live owner for ${waitedMs} ms after theirs left`,
    { details: { rollout: record.id, step: i, resources: [...waiting], retryable: true } },
  ).toJSON();
  return {
    ...record,
    steps: record.steps.map((s, k) => (k === i ? 'failed' : s)),
    phase: 'rolling-back',
    error: rolloutFailed(record, `step ${i + 1} lost the owners of its resources`, error, {
      step: i,
      resources: [...waiting],
    }),
  };
}

/**
 * Members of the plan that left the cluster before committing (not in `alive`), added to
 * `departed`: they are not asked to commit. Pure; the same record when nothing changed.
 */
export function withDeparted(
  record: ClusterRolloutRecord,
  alive: ReadonlySet<string>,
): ClusterRolloutRecord {
  const gone = record.plan.members.filter(
    (m) => !alive.has(m) && !record.committed.includes(m) && !record.departed?.includes(m),
  );
  if (gone.length === 0) return record;
  return { ...record, departed: [...(record.departed ?? []), ...gone].sort(byString) };
}
