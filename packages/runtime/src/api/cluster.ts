import type { DriverState } from '@chassis/kernel';

/** One member of a cluster as the admin API, the UI and the CLI show it. */
export interface ClusterMemberInfo {
  readonly memberId: string;
  /** Its inter-server channel (empty when it runs none). */
  readonly url: string;
  /** Heartbeat within the lease TTL (database clock). */
  readonly alive: boolean;
  /** Holds the leader lock. */
  readonly leader: boolean;
  readonly startedAt: string;
  readonly lastHeartbeat: string;
  /** Ids of the resources whose live lease it holds. */
  readonly resources: readonly string[];
  /** True for the member that answered. */
  readonly self: boolean;
  /** Driver versions and their state on this member (only known for `self`). */
  readonly drivers?: readonly {
    readonly id: string;
    readonly version: string;
    readonly state: DriverState;
  }[];
}

/** What `GET /api/cluster/members` answers: a standalone server has no members. */
export interface ClusterOverview {
  readonly mode: 'cluster' | 'standalone';
  /** The member that answered (cluster mode). */
  readonly memberId?: string;
  readonly members: readonly ClusterMemberInfo[];
}

/** The cluster a runtime belongs to (set by the cluster member composition). */
export interface ClusterView {
  readonly memberId: string;
  members(): Promise<ClusterMemberInfo[]>;
}
