import type { ClusterMemberInfo, DriverMemberState } from '@chassis/kernel';

// The shapes are the kernel's summaries (one definition): `ClusterMemberInfo`,
// `ClusterOverview`, `MemberDriverState`, `DriverMemberState`, `DriverMembers`.
export type {
  ClusterMemberInfo,
  ClusterOverview,
  DriverMemberState,
  DriverMembers,
  MemberDriverState,
} from '@chassis/kernel';

/** The cluster a runtime belongs to (set by the cluster member composition). */
export interface ClusterView {
  readonly memberId: string;
  /** Every registered member, each with the driver states it published. */
  members(): Promise<readonly ClusterMemberInfo[]>;
  /** One driver on every registered member (its versions there, the resources it owns). */
  driverMembers(driverId: string): Promise<readonly DriverMemberState[]>;
}
