import { Type } from '@sinclair/typebox';
import { DriverStateSchema, IsolationTierSchema } from './driver-version.js';
import { literals, type Shape } from './shape.js';

/**
 * Caps of what a member publishes about its drivers in the shared membership record: it is
 * rewritten with every heartbeat, so its size must stay small whatever the member runs.
 */
export const MEMBER_DRIVER_LIMITS = { maxVersions: 256, maxMessageChars: 240 } as const;

/**
 * One driver version on one cluster member, as that member publishes it with its heartbeat
 * (written on every lifecycle change and refreshed with the heartbeat).
 */
export const MemberDriverStateSchema = Type.Object(
  {
    id: Type.String({ description: 'Driver id' }),
    version: Type.String(),
    state: DriverStateSchema,
    active: Type.Boolean({ description: 'The version new resources bind to' }),
    tier: IsolationTierSchema,
    failure: Type.Optional(
      Type.Object(
        {
          code: Type.String(),
          message: Type.String({
            description: `Why it is Failed, at most ${MEMBER_DRIVER_LIMITS.maxMessageChars} characters`,
          }),
        },
        { description: 'Why it is Failed on this member' },
      ),
    ),
  },
  { description: 'One driver version on one cluster member, as that member published it' },
);
/** One driver version on one cluster member. */
export type MemberDriverState = Shape<typeof MemberDriverStateSchema>;

/** Whether a payload is a cluster member's answer or a standalone server's. */
const ModeSchema = literals(['cluster', 'standalone']);

/** One member of a cluster as the admin API, the UI and the CLI show it. */
export const ClusterMemberInfoSchema = Type.Object(
  {
    memberId: Type.String(),
    url: Type.String({ description: 'Its inter-server channel; empty when it runs none' }),
    alive: Type.Boolean({
      description: 'Heartbeat within the lease TTL; false: stale (its states are the last known)',
    }),
    leader: Type.Boolean({ description: 'Holds the leader lock' }),
    startedAt: Type.String({ format: 'date-time' }),
    lastHeartbeat: Type.String({ format: 'date-time' }),
    resources: Type.Array(Type.String(), { description: 'Ids of the resources it owns' }),
    fallback: Type.Array(Type.String(), {
      description:
        'Resources it owns although it does not run their driver: no live member runs it',
    }),
    self: Type.Boolean({ description: 'The member that answered' }),
    drivers: Type.Array(MemberDriverStateSchema, {
      description: 'Its driver versions and their states, as it last published them',
    }),
    driversAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'When it last published its drivers' }),
    ),
  },
  { description: 'One member of the cluster' },
);
/** One member of a cluster. */
export type ClusterMemberInfo = Shape<typeof ClusterMemberInfoSchema>;

/** `GET /api/cluster/members`: a standalone server has no members. */
export const ClusterOverviewSchema = Type.Object(
  {
    mode: ModeSchema,
    memberId: Type.Optional(Type.String({ description: 'The member that answered' })),
    members: Type.Array(ClusterMemberInfoSchema),
  },
  { description: 'The members of the cluster (standalone: mode "standalone", no members)' },
);
/** `GET /api/cluster/members`. */
export type ClusterOverview = Shape<typeof ClusterOverviewSchema>;

/** One member's view of one driver: its versions there and the driver's resources it owns. */
export const DriverMemberStateSchema = Type.Object(
  {
    memberId: Type.String(),
    alive: ClusterMemberInfoSchema.properties.alive,
    self: ClusterMemberInfoSchema.properties.self,
    lastHeartbeat: Type.String({ format: 'date-time' }),
    versions: Type.Array(MemberDriverStateSchema, {
      description: "The driver's versions on this member (empty: none loaded there)",
    }),
    eligible: Type.Boolean({
      description: "Runs the driver's active version, so it may own the driver's resources",
    }),
    resources: Type.Array(Type.String(), { description: "The driver's resources it owns" }),
    fallback: ClusterMemberInfoSchema.properties.fallback,
  },
  { description: 'One driver on one cluster member' },
);
/** One driver on one cluster member. */
export type DriverMemberState = Shape<typeof DriverMemberStateSchema>;

/** `GET /api/drivers/{id}/members`: the driver on every member (standalone: none). */
export const DriverMembersSchema = Type.Object(
  {
    mode: ModeSchema,
    driverId: Type.String(),
    members: Type.Array(DriverMemberStateSchema),
  },
  { description: 'One driver on every member of the cluster' },
);
/** `GET /api/drivers/{id}/members`. */
export type DriverMembers = Shape<typeof DriverMembersSchema>;
