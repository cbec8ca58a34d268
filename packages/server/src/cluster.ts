import { type ClusterMember, startClusterMember } from '@chassis/cluster';
import {
  createManagementServer,
  type ManagementServer,
  type ManagementServerOptions,
} from '@chassis/runtime';
import type { ServerSettings } from './config/load.js';

/** A composed server: standalone (not started yet) or a cluster member (already started). */
export interface ComposedServer {
  readonly server: ManagementServer;
  /** Set in cluster mode: the member, started with its runtime. */
  readonly member: ClusterMember | undefined;
  /** Lines to print about the mode. */
  readonly lines: readonly string[];
}

/**
 * The management server the settings ask for: with `state.kind: postgres` a cluster member on
 * the shared PostgreSQL (it joins, converges and starts its runtime at once: the admin port is
 * bound after that), else a standalone server on the data directory, not started yet. The
 * member's inter-server channel listens on `cluster.channel`; a call on a resource another
 * member owns is forwarded to it (`cluster.forward: forward`, the default) or refused with
 * `CHASSIS_E_CLUSTER_NOT_OWNER` naming the owner (`refuse`).
 */
export async function composeServer(
  settings: ServerSettings,
  options: Omit<ManagementServerOptions, 'store'>,
): Promise<ComposedServer> {
  const state = settings.state;
  const cluster = settings.cluster;
  if (state?.kind !== 'postgres' || !cluster)
    return { server: await createManagementServer(options), member: undefined, lines: [] };
  const member = await startClusterMember({
    ...options,
    cluster: {
      database: {
        ...(state.url ? { connectionString: state.url } : {}),
        ...(state.schema ? { schema: state.schema } : {}),
      },
      secret: cluster.secret,
      ...(cluster.memberId ? { memberId: cluster.memberId } : {}),
      ...(cluster.leaseTtlMs ? { leaseTtlMs: cluster.leaseTtlMs } : {}),
      ...(cluster.ownerWaitMs !== undefined ? { ownerWaitMs: cluster.ownerWaitMs } : {}),
      ...(cluster.forward ? { forward: cluster.forward } : {}),
      ...(cluster.channel ? { channel: cluster.channel } : {}),
    },
    ...(cluster.rollout ? { rollout: cluster.rollout } : {}),
  });
  const members = await member.members();
  return {
    server: member.server,
    member,
    lines: [
      `  cluster member ${member.id} (${members.filter((m) => m.alive).length} alive, leader ${members.find((m) => m.leader)?.memberId ?? 'being elected'})`,
      `  inter-server channel ${members.find((m) => m.memberId === member.id)?.url ?? '(none)'}; calls on resources other members own are ${cluster.forward === 'refuse' ? 'refused naming the owner (cluster.forward: refuse)' : 'forwarded to the owner'}`,
    ],
  };
}
