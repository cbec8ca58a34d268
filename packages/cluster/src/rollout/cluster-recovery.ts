import { planRecovery, type UpgradeRecord } from '@chassis/runtime';
import type { ClusterRolloutRecord, MemberBatch } from './types.js';

/** What a new leader does with a rollout it found `running`. Pure data. */
export type ClusterRecoveryPlan =
  | {
      readonly outcome: 'completed';
      /** Go on from here: `moving` at step `nextStep`, or `committing` once every step is done. */
      readonly phase: 'moving' | 'committing';
      readonly nextStep: number;
    }
  | {
      readonly outcome: 'rolled-back';
      /** Every resource that may have moved, per member: each goes back to `from`. */
      readonly rollback: readonly MemberBatch[];
    };

/**
 * Resources a rollback must return to `from`, per member: every resource that was requested
 * and not confirmed back (`moving` may have moved, `failed` may be half done). Moving back is
 * idempotent, so asking for one that never moved is harmless.
 */
export function rollbackBatches(record: ClusterRolloutRecord): MemberBatch[] {
  const per = new Map<string, string[]>();
  for (const step of record.plan.steps) {
    for (const m of step.moves) {
      const status = record.resources[m.resource]?.status ?? 'pending';
      if (status === 'pending' || status === 'rolled-back' || status === 'deleted') continue;
      per.set(m.member, [...(per.get(m.member) ?? []), m.resource]);
    }
  }
  return [...per.keys()].sort().map((member) => ({
    member,
    resources: (per.get(member) ?? []).sort(),
  }));
}

/**
 * The cluster's rule for an interrupted rollout, derived from the single-server rule
 * (`planRecovery`): the whole cluster is seen as one server whose plan is every move of every
 * member, whose progress is the resources recorded `moved`, and whose commit is written once the
 * record reached `committing`. So: finish when every move is recorded done and it was not
 * rolling back, or the commit phase was reached; otherwise return every member to `from`. A
 * target version not installed (per `installed`, default both) is never chosen.
 */
export function planClusterRecovery(
  record: ClusterRolloutRecord,
  installed: readonly string[] = [record.from, record.to],
): ClusterRecoveryPlan {
  const { from, to } = record;
  // A resource deleted during the rollout has nothing left to move.
  const moves = record.plan.steps.flatMap((s) =>
    s.moves
      .filter((m) => record.resources[m.resource]?.status !== 'deleted')
      .map((m) => ({ id: m.resource, from, to })),
  );
  const moved = moves.filter((m) => record.resources[m.id]?.status === 'moved').map((m) => m.id);
  const single: UpgradeRecord = {
    id: record.id,
    action: 'upgrade',
    driverId: record.driverId,
    from,
    to,
    policy: record.plan.policy,
    principal: record.principal,
    startedAt: record.startedAt,
    result: 'running',
    plan: { moves },
    progress: { moved, phase: record.phase },
    resources: [],
  };
  const committed = record.phase === 'committing' || record.committed.length > 0;
  const decision = planRecovery({
    record: single,
    driver: { versions: installed, active: committed ? to : from },
    bindings: new Map(moves.map((m) => [m.id, moved.includes(m.id) ? to : from])),
  });
  if (decision.outcome === 'completed') {
    // Completed without every move done only when `from` is gone: the remaining steps still run.
    const nextStep = record.steps.findIndex((s) => s !== 'done');
    return moved.length === moves.length || committed || nextStep === -1
      ? { outcome: 'completed', phase: 'committing', nextStep: record.steps.length }
      : { outcome: 'completed', phase: 'moving', nextStep };
  }
  return { outcome: 'rolled-back', rollback: rollbackBatches(record) };
}
