import type { ManagementRuntime, ManagementServer } from '@chassis/runtime';
import type {
  LeaderElector,
  LeaseManager,
  Membership,
  OwnershipAgent,
  PostgresDatabase,
} from '@chassis/state-postgres';
import type { RolloutRetention } from '../rollout/retention.js';
import type { RolloutMember, RolloutMemberOptions } from '../rollout/rollout-member.js';
import type { ClusterOptions, Forwarder, MemberServerOptions, MemberView } from '../types.js';
import type { MemberChannelStarter } from './channel.js';
import type { InstalledVersion } from './installed-set.js';

/** What a cluster member is: its options and the handle {@link startClusterMember} returns. */

/** Options of {@link startClusterMember}. */
export type ClusterMemberOptions = MemberServerOptions & {
  readonly cluster: ClusterOptions;
  /**
   * Forwards calls on resources owned elsewhere. Default: in `forward` mode (the default) the
   * signed forwarder of `forward/`; in `refuse` mode none (`CHASSIS_E_CLUSTER_NOT_OWNER`).
   */
  readonly forwarder?: Forwarder;
  /**
   * Starts the member's inter-server channel once its runtime exists. Default: the channel
   * server of `forward/` on `cluster.channel`; `false`: no channel (others cannot forward here).
   */
  readonly channel?: MemberChannelStarter | false;
  /** Full reconciliation period, the fallback for a missed notification (default lease TTL). */
  readonly reconcileMs?: number;
  /**
   * Periods and timeouts of the cluster-wide rollout (see `createRolloutMember`), with the
   * leader's failover timing: `watchMs` (how often it looks at the members while it waits) and
   * `ownerWaitMs` (how long a resource whose owner left may wait for a new one; keep it above
   * `cluster.leaseTtlMs`, unlike `cluster.ownerWaitMs`, which bounds a facade call).
   */
  readonly rollout?: Pick<
    RolloutMemberOptions,
    'stepTimeoutMs' | 'workerPollMs' | 'moverPollMs' | 'resumeEveryMs' | 'watchMs' | 'ownerWaitMs'
  > & {
    /**
     * How long an upgrade or rollback sent to a non-leader waits for the leader's result
     * (default 30 min): the bound of the action itself, not of any call.
     */
    readonly requestTimeoutMs?: number;
    /** How long finished rollouts and their requests stay in the shared store (the leader prunes). */
    readonly retention?: RolloutRetention;
  };
};

/** A running cluster member. */
export interface ClusterMember {
  readonly id: string;
  readonly server: ManagementServer;
  readonly runtime: ManagementRuntime;
  /** The primitives the rollout coordinator builds on (same pool, schema and member id). */
  readonly primitives: {
    readonly db: PostgresDatabase;
    readonly membership: Membership;
    readonly leases: LeaseManager;
    readonly ownership: OwnershipAgent;
    readonly leader: LeaderElector;
  };
  /** The rollout worker of this member and its coordinator (active while it leads). */
  readonly rollout: RolloutMember;
  /** Every registered member with health, last heartbeat, resources owned and the leader flag. */
  members(): Promise<readonly MemberView[]>;
  /** True while this member holds the leader lock. */
  isLeader(): boolean;
  /** The cluster's installed set, read from the shared `drivers/` records now. */
  installedSet(): Promise<InstalledVersion[]>;
  /** One full reconciliation now (drivers, resources, ownership); resolves when it is done. */
  reconcile(): Promise<void>;
  /**
   * Test hook: what a crash looks like to the others (no more heartbeats, lease renewals,
   * notifications or leadership) while this process keeps running: a stale owner.
   */
  halt(): Promise<void>;
  /** Leaves the cluster: stops the runtime, releases its leases and deregisters. */
  stop(): Promise<void>;
}
