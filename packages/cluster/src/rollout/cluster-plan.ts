import { ChassisError } from '@chassis/kernel';
import { planRollout, type RolloutPolicy } from '@chassis/runtime';
import type {
  ClusterRolloutPlan,
  ClusterRolloutStep,
  MemberBatch,
  OwnedResource,
} from './types.js';

/** Input of {@link planClusterRollout}. */
export interface ClusterRolloutInput {
  readonly driverId: string;
  /** Every resource of the driver that moves, with its owner. */
  readonly resources: readonly OwnedResource[];
  readonly policy: RolloutPolicy;
  readonly from: string;
  readonly to: string;
  /** Members that must make `to` active even without a resource to move (default: the owners). */
  readonly members?: readonly string[];
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order resources are taken in: round robin over the members (sorted), each member's
 * resources by id. A canary of 2 on three members thus tries the new version on two members,
 * not on two resources of one.
 */
export function clusterOrder(resources: readonly OwnedResource[]): OwnedResource[] {
  const perMember = new Map<string, OwnedResource[]>();
  for (const r of [...resources].sort((a, b) => byString(a.id, b.id))) {
    const list = perMember.get(r.owner) ?? [];
    list.push(r);
    perMember.set(r.owner, list);
  }
  const queues = [...perMember.keys()].sort(byString).map((m) => perMember.get(m) ?? []);
  const out: OwnedResource[] = [];
  for (let i = 0; out.length < resources.length; i++) {
    for (const q of queues) {
      const r = q[i];
      if (r) out.push(r);
    }
  }
  return out;
}

function batches(moves: readonly OwnedResource[]): MemberBatch[] {
  const per = new Map<string, string[]>();
  for (const m of moves) per.set(m.owner, [...(per.get(m.owner) ?? []), m.id]);
  return [...per.keys()]
    .sort(byString)
    .map((member) => ({ member, resources: (per.get(member) ?? []).sort(byString) }));
}

/**
 * Splits a cluster-wide rollout into steps. The policy counts across the cluster: the batch
 * sizes are the single-server `planRollout`'s for the same number of resources (so one
 * definition of each policy), one-at-a-time is one resource in the whole cluster per step, a
 * canary of N is N resources cluster-wide, then the rest. Pure and deterministic; throws
 * `CHASSIS_E_UPGRADE_POLICY_INVALID` for a malformed policy and `CHASSIS_E_UPGRADE_SAME_VERSION`
 * when `from` is `to`.
 */
export function planClusterRollout(input: ClusterRolloutInput): ClusterRolloutPlan {
  if (input.from === input.to) {
    throw new ChassisError(
      'CHASSIS_E_UPGRADE_SAME_VERSION',
      `${input.driverId}@${input.to} is already the version the cluster runs`,
      { details: { driver: input.driverId, version: input.to } },
    );
  }
  const ids = new Set<string>();
  for (const r of input.resources) {
    if (ids.has(r.id)) {
      throw new ChassisError(
        'CHASSIS_E_UPGRADE_POLICY_INVALID',
        `Resource ${r.id} is listed twice in the cluster rollout of ${input.driverId}: each resource has one owner`,
        { details: { driver: input.driverId, resource: r.id } },
      );
    }
    ids.add(r.id);
  }
  const ordered = clusterOrder(input.resources);
  // The single-server plan decides the batch sizes (and validates the policy).
  const sizes = planRollout(
    ordered.map((r) => r.id),
    input.policy,
  ).map((s) => ({ size: s.resources.length, healthCheck: s.healthCheck }));
  const steps: ClusterRolloutStep[] = [];
  let at = 0;
  for (const { size, healthCheck } of sizes) {
    if (size === 0) continue;
    const moves = ordered.slice(at, at + size);
    at += size;
    steps.push({
      index: steps.length,
      moves: moves.map((m) => ({ resource: m.id, member: m.owner })),
      batches: batches(moves),
      healthCheck,
    });
  }
  const members = [
    ...new Set([...(input.members ?? []), ...input.resources.map((r) => r.owner)]),
  ].sort(byString);
  return {
    driverId: input.driverId,
    from: input.from,
    to: input.to,
    policy: input.policy,
    steps,
    members,
  };
}
