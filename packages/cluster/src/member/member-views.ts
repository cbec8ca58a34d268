import type { MemberDriverState } from '@chassis/kernel';
import type { ClusterView, ManagementRuntime } from '@chassis/runtime';
import type { LeaseManager, Membership, PostgresDatabase } from '@chassis/state-postgres';
import { clusterMemberInfos, driverMemberStates } from './cluster-views.js';

/**
 * The id of the member holding the leader lock, read from `pg_locks`: the advisory lock the
 * `LeaderElector` takes is held by a session whose `application_name` is
 * `chassis-leader:<id>`. `undefined` while nobody leads (election in progress).
 */
export async function currentLeader(db: PostgresDatabase): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    'read the cluster leader',
    `SELECT substr(a.application_name, length('chassis-leader:') + 1) AS id
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.objid::bigint = (hashtext($1)::bigint & 4294967295)
       AND a.application_name LIKE 'chassis-leader:%'
     LIMIT 1`,
    [`chassis:leader:${db.schema}`],
    true,
  );
  return rows[0]?.id;
}

/**
 * The runtime's `cluster` view of a member: every registered member with the driver states it
 * published (this member's own read now), and one driver on every member. Reads membership,
 * leases and the leader, then builds the views with the pure {@link clusterMemberInfos}.
 */
export function runtimeClusterView(input: {
  readonly memberId: string;
  readonly db: PostgresDatabase;
  readonly membership: Membership;
  readonly leases: LeaseManager;
  readonly runtime: ManagementRuntime;
  /** This member's driver states now (the publisher's). */
  readonly selfDrivers: () => MemberDriverState[];
}): ClusterView {
  const { memberId, db, membership, leases, runtime } = input;
  const bindings = () =>
    new Map(runtime.resourceService.placed.list().map((e) => [e.resource.id, e.binding]));
  const members = async () => {
    const [list, all, leader] = await Promise.all([
      membership.members(),
      leases.list(),
      currentLeader(db),
    ]);
    return clusterMemberInfos({
      members: list,
      leases: all,
      leader,
      selfId: memberId,
      selfDrivers: input.selfDrivers(),
      bindings: bindings(),
    });
  };
  return {
    memberId,
    members,
    async driverMembers(driverId) {
      // Unknown here: CHASSIS_E_UPGRADE_NOT_INSTALLED, as for the driver's own detail.
      const active = runtime.getDriver(driverId).activeVersion;
      return driverMemberStates(driverId, active, await members(), bindings());
    },
  };
}
