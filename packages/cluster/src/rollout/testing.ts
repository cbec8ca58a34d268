import type { RolloutPolicy } from '@chassis/runtime';
import { planClusterRollout } from './cluster-plan.js';
import { newRolloutRecord } from './record-updates.js';
import type { ClusterRolloutRecord, OwnedResource, ResourceOutcome } from './types.js';

/** What {@link plannedRollout} plans; every field has a default the specs share. */
export interface PlannedRolloutOptions {
  /** The resources that move, with their owners (default none). */
  readonly resources?: readonly OwnedResource[];
  /** Default all-at-once. */
  readonly policy?: RolloutPolicy;
  /** Members that commit without a resource to move (default: the owners only). */
  readonly members?: readonly string[];
  /** Default `a`. */
  readonly leader?: string;
  /** Default `r`. */
  readonly id?: string;
  /** Default `d`. */
  readonly driverId?: string;
  /** Default `1` → `2`. */
  readonly from?: string;
  readonly to?: string;
}

/**
 * A cluster rollout record as the leader writes it when it begins (`newRolloutRecord` over
 * `planClusterRollout`): running, phase `moving`, every step and resource pending, started by
 * `p` at `t`. Specs change what they test from there.
 */
export function plannedRollout(o: PlannedRolloutOptions = {}): ClusterRolloutRecord {
  const resources = o.resources ?? [];
  const plan = planClusterRollout({
    driverId: o.driverId ?? 'd',
    resources,
    policy: o.policy ?? { kind: 'all-at-once' },
    from: o.from ?? '1',
    to: o.to ?? '2',
    ...(o.members ? { members: o.members } : {}),
  });
  return newRolloutRecord({
    id: o.id ?? 'r',
    plan,
    leader: o.leader ?? 'a',
    at: 't',
    principal: 'p',
    resources,
  });
}

/**
 * `rec` with each resource's status from `status` (absent: `pending`) and its version from
 * `versionOf` (default: the target once moved, else the source).
 */
export function withStatuses(
  rec: ClusterRolloutRecord,
  status: Readonly<Record<string, ResourceOutcome['status']>>,
  versionOf: (s: ResourceOutcome['status']) => string = (s) => (s === 'moved' ? rec.to : rec.from),
): ClusterRolloutRecord {
  const resources: Record<string, ResourceOutcome> = {};
  for (const [id, o] of Object.entries(rec.resources)) {
    const s = status[id] ?? 'pending';
    resources[id] = { ...o, status: s, version: versionOf(s) };
  }
  return { ...rec, resources };
}
