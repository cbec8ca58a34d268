import { ChassisError, type SerializedError } from '@chassis/kernel';
import { batchKey, settleStep } from './step-settle.js';
import type {
  ClusterRolloutPlan,
  ClusterRolloutRecord,
  MemberBatch,
  MoveResult,
  OwnedResource,
  ResourceOutcome,
  StepStatus,
} from './types.js';

/**
 * Pure record transitions of a rollout: what each answer of the members changes. The
 * coordinator persists each result with one compare-and-set.
 */

/** The error a failed rollout is closed with, naming the member and the cause. */
export function rolloutFailed(
  record: Pick<ClusterRolloutRecord, 'id' | 'driverId' | 'from' | 'to'>,
  why: string,
  cause?: SerializedError,
  details: Record<string, unknown> = {},
): SerializedError {
  return new ChassisError(
    'CHASSIS_E_CLUSTER_ROLLOUT_FAILED',
    `Cluster rollout ${record.id} of ${record.driverId} ${record.from} → ${record.to} failed: ${why}; the moved resources go back to ${record.from}`,
    {
      ...(cause ? { cause: ChassisError.fromJSON(cause) } : {}),
      details: { rollout: record.id, driver: record.driverId, ...details },
    },
  ).toJSON();
}

/** A new rollout's record, as {@link RolloutCoordinator.begin} persists it (epoch 1). */
export function newRolloutRecord(o: {
  readonly id: string;
  readonly plan: ClusterRolloutPlan;
  readonly leader: string;
  readonly at: string;
  readonly principal: string;
  readonly resources: readonly OwnedResource[];
  readonly action?: ClusterRolloutRecord['action'];
}): ClusterRolloutRecord {
  const { plan } = o;
  return {
    id: o.id,
    ...(o.action ? { action: o.action } : {}),
    driverId: plan.driverId,
    from: plan.from,
    to: plan.to,
    principal: o.principal,
    plan,
    leader: o.leader,
    epoch: 1,
    state: 'running',
    phase: 'moving',
    steps: plan.steps.map(() => 'pending'),
    resources: Object.fromEntries(
      o.resources.map((r) => [r.id, { member: r.owner, status: 'pending', version: plan.from }]),
    ),
    committed: [],
    startedAt: o.at,
    updatedAt: o.at,
  };
}

const withResources = (
  record: ClusterRolloutRecord,
  change: Record<string, ResourceOutcome>,
): Record<string, ResourceOutcome> => ({ ...record.resources, ...change });

const setStep = (steps: readonly StepStatus[], i: number, s: StepStatus): StepStatus[] =>
  steps.map((v, k) => (k === i ? s : v));

/** Step `i` requested: its resources are `moving` (may move from now on). */
export function stepStarted(record: ClusterRolloutRecord, i: number): ClusterRolloutRecord {
  const change: Record<string, ResourceOutcome> = {};
  for (const m of record.plan.steps[i]?.moves ?? []) {
    const cur = record.resources[m.resource];
    if (cur?.status !== 'moved' && cur?.status !== 'deleted')
      change[m.resource] = {
        member: m.member,
        status: 'moving',
        version: cur?.version ?? record.from,
      };
  }
  return {
    ...record,
    steps: setStep(record.steps, i, 'running'),
    resources: withResources(record, change),
  };
}

/**
 * The answers of step `i`, one per batch of the step (`undefined` = not answered yet, as a new
 * leader finds them), without ownership facts: see `settleStep`, which this is a shorthand of.
 */
export function stepAnswered(
  record: ClusterRolloutRecord,
  i: number,
  answers: readonly (MoveResult | undefined)[],
): ClusterRolloutRecord {
  const byKey = new Map<string, MoveResult>();
  (record.plan.steps[i]?.batches ?? []).forEach((b, k) => {
    const a = answers[k];
    if (a) byKey.set(batchKey(b), a);
  });
  return settleStep(record, i, byKey).record;
}

/** The answers to the rollback requests: confirmed resources are `rolled-back`, and the rollout is closed. */
export function rollbackAnswered(
  record: ClusterRolloutRecord,
  batches: readonly MemberBatch[],
  answers: readonly MoveResult[],
  at: string,
): ClusterRolloutRecord {
  const change: Record<string, ResourceOutcome> = {};
  const unsettled: string[] = [];
  batches.forEach((batch, k) => {
    const a = answers[k];
    const back = new Set((a?.moved ?? []).map((m) => m.id));
    for (const id of batch.resources) {
      const cur = record.resources[id];
      if (a?.ok || back.has(id)) {
        change[id] = {
          member: batch.member,
          status: 'rolled-back',
          version: record.from,
          ...(cur?.error ? { error: cur.error } : {}),
        };
      } else {
        unsettled.push(id);
        change[id] = {
          member: batch.member,
          status: cur?.status ?? 'failed',
          version: cur?.version ?? record.from,
          ...(a?.error ? { error: a.error } : {}),
        };
      }
    }
  });
  const error =
    record.error ?? rolloutFailed(record, 'it was rolled back', undefined, { unsettled });
  return {
    ...record,
    resources: withResources(record, change),
    state: unsettled.length === 0 ? 'rolled-back' : 'failed',
    error:
      unsettled.length === 0
        ? error
        : { ...error, details: { ...(error.details ?? {}), unsettled } },
    finishedAt: at,
  };
}

/** The answers to the commit requests: the rollout succeeded once every member committed. */
export function commitAnswered(
  record: ClusterRolloutRecord,
  members: readonly string[],
  answers: readonly MoveResult[],
  at: string,
): ClusterRolloutRecord {
  const committed = [...record.committed, ...members.filter((_, k) => answers[k]?.ok)].sort();
  // A member that left during the rollout is not waited for (see `withDeparted`).
  const missing = record.plan.members.filter(
    (m) => !committed.includes(m) && !record.departed?.includes(m),
  );
  if (missing.length === 0) return { ...record, committed, state: 'succeeded', finishedAt: at };
  const k = members.indexOf(missing[0] as string);
  // Past the point of no return: the members that committed stay on `to`; say who did not.
  const cause = answers[k]?.error;
  return {
    ...record,
    committed,
    state: 'failed',
    finishedAt: at,
    error: new ChassisError(
      'CHASSIS_E_CLUSTER_ROLLOUT_FAILED',
      `Cluster rollout ${record.id} of ${record.driverId} moved every resource to ${record.to}, but members ${missing.join(', ')} could not make it their active version; retry the upgrade on them`,
      {
        ...(cause ? { cause: ChassisError.fromJSON(cause) } : {}),
        details: { rollout: record.id, driver: record.driverId, members: missing },
      },
    ).toJSON(),
  };
}
