import type {
  ClusterRolloutRecord,
  MemberBatch,
  MoveResult,
  ResourceOutcome,
  StepMove,
} from './types.js';

/**
 * Pure re-planning of a rollback while owners come and go: a resource whose member left goes
 * back to `from` on its new owner (which serves it on the version its record names).
 */

/** What {@link reassignRollback} makes of the record. */
export interface RollbackReassignment {
  readonly record: ClusterRolloutRecord;
  readonly changed: boolean;
  /** Resources to roll back whose member left and whose lease nobody holds yet. */
  readonly waiting: readonly string[];
}

const SETTLED = new Set<ResourceOutcome['status'] | undefined>([
  undefined,
  'pending',
  'rolled-back',
  'deleted',
]);

/**
 * Every resource still to roll back whose member is not alive goes to its live owner (the plan's
 * move and the resource's outcome name the new member, so the next rollback batches ask it);
 * one with no live owner yet is `waiting`. Pure; the same record when nothing changed.
 */
export function reassignRollback(
  record: ClusterRolloutRecord,
  facts: { readonly owners: ReadonlyMap<string, string>; readonly alive: ReadonlySet<string> },
): RollbackReassignment {
  const waiting: string[] = [];
  const change: Record<string, ResourceOutcome> = {};
  const move = (m: StepMove): StepMove => {
    const cur = record.resources[m.resource];
    if (SETTLED.has(cur?.status) || facts.alive.has(m.member)) return m;
    const owner = facts.owners.get(m.resource);
    if (!owner || !facts.alive.has(owner)) {
      waiting.push(m.resource);
      return m;
    }
    if (cur) change[m.resource] = { ...cur, member: owner };
    return { ...m, member: owner };
  };
  const steps = record.plan.steps.map((s) => ({ ...s, moves: s.moves.map(move) }));
  if (Object.keys(change).length === 0) return { record, changed: false, waiting };
  return {
    record: {
      ...record,
      plan: { ...record.plan, steps },
      resources: { ...record.resources, ...change },
    },
    changed: true,
    waiting,
  };
}

/**
 * The resources the answers received so far confirm back on `from` are `rolled-back`; the
 * others wait for the next round (an answer not received: its member left). Does not close
 * the rollout (see `rollbackAnswered`). Pure.
 */
export function rollbackConfirmed(
  record: ClusterRolloutRecord,
  batches: readonly MemberBatch[],
  answers: readonly (MoveResult | undefined)[],
): ClusterRolloutRecord {
  const change: Record<string, ResourceOutcome> = {};
  batches.forEach((batch, k) => {
    const a = answers[k];
    if (!a) return;
    const back = new Set(a.moved.map((m) => m.id));
    for (const id of batch.resources) {
      const cur = record.resources[id];
      if (!a.ok && !back.has(id)) continue;
      change[id] = {
        member: batch.member,
        status: 'rolled-back',
        version: record.from,
        ...(cur?.error ? { error: cur.error } : {}),
      };
    }
  });
  return { ...record, resources: { ...record.resources, ...change } };
}
