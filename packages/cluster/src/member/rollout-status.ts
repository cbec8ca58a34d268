import type { UpgradeRecord, UpgradeStatus } from '@chassis/runtime';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import { type RolloutRequestRecord, requestOutcome } from './rollout-requests.js';

/** The cluster record as the runtime's upgrade record (what the admin API and CLI show). */
export function asUpgradeRecord(
  r: ClusterRolloutRecord,
  action: UpgradeRecord['action'],
): UpgradeRecord {
  return {
    id: r.id,
    action,
    driverId: r.driverId,
    from: r.from,
    to: r.to,
    policy: r.plan.policy,
    principal: r.principal,
    startedAt: r.startedAt,
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    result: r.state,
    ...(r.error ? { error: r.error } : {}),
    resources: Object.entries(r.resources).map(([id, o]) => ({
      id,
      from: r.from,
      to: o.version,
      ...(o.pausedMs !== undefined ? { pausedMs: o.pausedMs } : {}),
    })),
  };
}

/**
 * Where a cluster upgrade or rollback is, from its durable records (pure): the rollout record
 * once a leader began it (its state, phase, resources moved, error), else the request sent to a
 * non-leader (`accepted` while open; `failed` with its error once refused or cancelled).
 * `undefined`: neither exists (or only a request marked begun whose record was pruned).
 */
export function rolloutStatus(
  request: RolloutRequestRecord | undefined,
  rollout: ClusterRolloutRecord | undefined,
): UpgradeStatus | undefined {
  if (rollout) {
    const action = rollout.action ?? request?.action ?? 'upgrade';
    const outcomes = Object.values(rollout.resources);
    const moved = outcomes.filter((o) => o.status === 'moved' && o.version === rollout.to).length;
    return {
      id: rollout.id,
      action,
      driverId: rollout.driverId,
      from: rollout.from,
      to: rollout.to,
      state: rollout.state,
      ...(rollout.state === 'running' ? { phase: rollout.phase } : {}),
      progress: { moved, total: outcomes.length },
      acceptedAt: request?.requestedAt ?? rollout.startedAt,
      ...(rollout.finishedAt ? { finishedAt: rollout.finishedAt } : {}),
      ...(rollout.error ? { error: rollout.error } : {}),
      leader: rollout.leader,
      record: asUpgradeRecord(rollout, action),
    };
  }
  if (!request || request.status === 'begun') return undefined;
  const out = requestOutcome(request, undefined);
  return {
    id: request.id,
    action: request.action,
    driverId: request.driverId,
    to: request.to,
    state: out.kind === 'failed' ? 'failed' : 'accepted',
    acceptedAt: request.requestedAt,
    ...(out.kind === 'failed' ? { error: out.error } : {}),
    ...(request.leader ? { leader: request.leader } : {}),
  };
}
