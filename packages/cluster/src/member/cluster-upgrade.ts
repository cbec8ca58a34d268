import { ChassisError, type Logger, serializeError } from '@chassis/kernel';
import {
  type ManagementRuntime,
  newestInstalled,
  type RollbackOptions,
  type UpgradeOptions,
  type UpgradeRecord,
  type UpgradeStatus,
} from '@chassis/runtime';
import type { ClusterRolloutRequest, RolloutCoordinator } from '../rollout/coordinator.js';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import type { MemberAddress } from '../types.js';
import type { OwnerSnapshot } from './owner-directory.js';
import type { RolloutRequestRecord } from './rollout-requests.js';
import { asUpgradeRecord, rolloutStatus } from './rollout-status.js';

type Principal = Parameters<ManagementRuntime['upgrade']>[2];

/** What the cluster upgrade of a member needs. */
export interface ClusterUpgradeContext {
  readonly memberId: string;
  readonly runtime: ManagementRuntime;
  readonly coordinator: Pick<RolloutCoordinator, 'rollout' | 'begin' | 'run'>;
  readonly isLeader: () => boolean;
  /** The leader's member id now (`undefined` while one is being elected). */
  readonly leader: () => Promise<string | undefined>;
  /** Owners and live members, read from the database now. */
  readonly owners: () => Promise<OwnerSnapshot>;
  /**
   * On a non-leader: sends the rollout to the leader as a durable request and waits for its
   * result (see `requestRollout`). Absent: refused `CHASSIS_E_CLUSTER_NOT_LEADER`.
   */
  readonly viaLeader?: (
    input: Pick<RolloutRequestRecord, 'action' | 'driverId' | 'to' | 'policy' | 'principal'>,
  ) => Promise<ClusterRolloutRecord>;
  /**
   * On a non-leader, the accepted form: writes the durable request and returns it at once
   * (see `sendRolloutRequest`). Absent: the accepted form waits as `viaLeader` does.
   */
  readonly sendViaLeader?: (
    input: Pick<RolloutRequestRecord, 'action' | 'driverId' | 'to' | 'policy' | 'principal'>,
  ) => Promise<RolloutRequestRecord>;
  /** A cluster rollout's request and record by id, read from the shared store now. */
  readonly records?: (id: string) => Promise<{
    readonly request?: RolloutRequestRecord | undefined;
    readonly rollout?: ClusterRolloutRecord | undefined;
  }>;
  /** Where a rollout run in the background (the accepted form on the leader) logs its end. */
  readonly logger?: Pick<Logger, 'warn'>;
}

/**
 * What the leader rolls out for a whole-driver upgrade or rollback: every resource of the
 * driver on the active version in the cluster (pinned ones stay), each with its owner now, and
 * every live member as a committer.
 */
export async function clusterRolloutRequest(
  ctx: Pick<ClusterUpgradeContext, 'runtime' | 'owners'>,
  r: Pick<RolloutRequestRecord, 'action' | 'driverId' | 'to' | 'policy' | 'principal'>,
): Promise<ClusterRolloutRequest> {
  const { driverId, action } = r;
  const from = ctx.runtime.driverRecord(driverId)?.active as string;
  const snapshot = await ctx.owners();
  const resources = ctx.runtime
    .listResources()
    .filter((x) => x.binding.driverId === driverId && x.binding.version === from && !x.pinned)
    .map((x) => {
      const owner = snapshot.owners.get(x.resource.id);
      if (!owner)
        throw new ChassisError(
          'CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE',
          `Resource "${x.resource.id}" has no live owner yet (its lease is being taken over): retry the ${action} after the lease TTL`,
          { details: { resource: x.resource.id, retryable: true } },
        );
      return { id: x.resource.id, owner };
    });
  return {
    action,
    driverId,
    from,
    to: r.to,
    // A cluster rollback moves everything back at once, as a single server's does.
    ...(action === 'rollback'
      ? { policy: { kind: 'all-at-once' as const } }
      : r.policy
        ? { policy: r.policy }
        : {}),
    resources,
    members: [...snapshot.members.keys()],
    principal: r.principal,
  };
}

/** What a rollout (request) id can be: one state-key segment. */
const ROLLOUT_ID = /^[a-z0-9][a-z0-9._@-]{0,200}$/i;

/** `CHASSIS_E_CLUSTER_NOT_LEADER` naming the leader, for an upgrade sent to another member. */
export function sendToLeader(memberId: string, leader: MemberAddress | undefined): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CLUSTER_NOT_LEADER',
    leader
      ? `Member ${memberId} is not the cluster leader: send the upgrade or rollback to the leader, member "${leader.memberId}"${leader.url ? ` (${leader.url})` : ''}`
      : `Member ${memberId} is not the cluster leader and none is elected yet: retry after the lease TTL`,
    {
      details: {
        member: memberId,
        ...(leader ? { leader: leader.memberId, url: leader.url } : { retryable: true }),
      },
    },
  );
}

/**
 * A member's whole-driver upgrade and rollback go through the leader's rollout coordinator, so
 * rollout policies count across the cluster (see {@link clusterRolloutRequest}). On a
 * non-leader they become a durable request the leader runs (`viaLeader`), and the call returns
 * or throws the leader's result; without `viaLeader` they are refused
 * `CHASSIS_E_CLUSTER_NOT_LEADER` naming the leader. A partial move (`resources`) stays a local action of
 * the owner (its writes are fenced by the lease), as on a single server.
 */
export function clusterLifecycle(ctx: ClusterUpgradeContext) {
  const local = {
    upgrade: ctx.runtime.upgrade.bind(ctx.runtime),
    rollback: ctx.runtime.rollback.bind(ctx.runtime),
    submitUpgrade: ctx.runtime.submitUpgrade.bind(ctx.runtime),
    submitRollback: ctx.runtime.submitRollback.bind(ctx.runtime),
    upgradeStatus: ctx.runtime.upgradeStatus.bind(ctx.runtime),
  };
  /**
   * The accepted form: on the leader the rollout record is written (`begin`) and run in the
   * background; elsewhere the durable request is written. Either way the id is the one every
   * member answers for (`upgradeStatus`).
   */
  const submit = async (
    driverId: string,
    to: string,
    policy: UpgradeOptions['policy'],
    principal: Principal,
    action: RolloutRequestRecord['action'],
  ): Promise<UpgradeStatus> => {
    const input = { action, driverId, to, principal: principal.id, ...(policy ? { policy } : {}) };
    if (ctx.isLeader()) {
      const record = await ctx.coordinator.begin(await clusterRolloutRequest(ctx, input));
      // The record holds the outcome; a run that stops (leadership lost) is adopted by the next leader.
      ctx.coordinator
        .run(record.id)
        .catch((err: unknown) =>
          ctx.logger?.warn({ rollout: record.id, err: serializeError(err) }, 'rollout stopped'),
        );
      return rolloutStatus(undefined, record) as UpgradeStatus;
    }
    const via = ctx.viaLeader as NonNullable<typeof ctx.viaLeader>;
    return (
      ctx.sendViaLeader
        ? rolloutStatus(await ctx.sendViaLeader(input), undefined)
        : rolloutStatus(undefined, await via(input))
    ) as UpgradeStatus;
  };
  const run = async (
    driverId: string,
    to: string,
    policy: UpgradeOptions['policy'],
    principal: Principal,
    action: RolloutRequestRecord['action'],
  ): Promise<UpgradeRecord> => {
    const input = { action, driverId, to, principal: principal.id, ...(policy ? { policy } : {}) };
    try {
      const record = ctx.isLeader()
        ? await ctx.coordinator.rollout(await clusterRolloutRequest(ctx, input))
        : await (ctx.viaLeader as NonNullable<typeof ctx.viaLeader>)(input);
      return asUpgradeRecord(record, action);
    } catch (err) {
      const record = (err as { record?: ClusterRolloutRecord }).record;
      if (record) Object.assign(err as object, { record: asUpgradeRecord(record, action) });
      throw err;
    }
  };
  /** Checks that need no leader (not installed, same version) stay the runtime's own. */
  const target = async (driverId: string, to: string | undefined): Promise<string | undefined> => {
    const record = ctx.runtime.driverRecord(driverId);
    const active = record?.active;
    const kept = record?.versions ?? [];
    if (!active || !to || to === active || !kept.some((v) => v.version === to)) return undefined;
    if (!ctx.isLeader() && !ctx.viaLeader) {
      const id = await ctx.leader();
      const address = id === undefined ? undefined : (await ctx.owners()).members.get(id);
      throw sendToLeader(
        ctx.memberId,
        id === undefined ? undefined : (address ?? { memberId: id, url: '' }),
      );
    }
    return to;
  };
  return {
    async upgrade(driverId: string, options: UpgradeOptions, principal: Principal) {
      if (options.resources) return local.upgrade(driverId, options, principal);
      const record = ctx.runtime.driverRecord(driverId);
      const to = await target(driverId, options.version ?? (record && newestInstalled(record)));
      if (!to) return local.upgrade(driverId, options, principal);
      return run(driverId, to, options.policy, principal, 'upgrade');
    },
    async rollback(driverId: string, principal: Principal, options: RollbackOptions = {}) {
      const to = await target(driverId, options.to ?? ctx.runtime.driverRecord(driverId)?.previous);
      if (!to) return local.rollback(driverId, principal, options);
      return run(driverId, to, undefined, principal, 'rollback');
    },
    async submitUpgrade(driverId: string, options: UpgradeOptions, principal: Principal) {
      if (options.resources) return local.submitUpgrade(driverId, options, principal);
      const record = ctx.runtime.driverRecord(driverId);
      const to = await target(driverId, options.version ?? (record && newestInstalled(record)));
      if (!to) return local.submitUpgrade(driverId, options, principal);
      return submit(driverId, to, options.policy, principal, 'upgrade');
    },
    async submitRollback(driverId: string, principal: Principal, options: RollbackOptions = {}) {
      const to = await target(driverId, options.to ?? ctx.runtime.driverRecord(driverId)?.previous);
      if (!to) return local.submitRollback(driverId, principal, options);
      return submit(driverId, to, undefined, principal, 'rollback');
    },
    /** A cluster rollout by its (request's) id, else this member's view of the history. */
    async upgradeStatus(id: string): Promise<UpgradeStatus> {
      if (ctx.records && ROLLOUT_ID.test(id)) {
        const { request, rollout } = await ctx.records(id);
        const status = rolloutStatus(request, rollout);
        if (status) return status;
      }
      return local.upgradeStatus(id);
    },
  };
}
