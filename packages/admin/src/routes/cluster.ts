import type { ClusterOverview } from '@chassis/runtime';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../server/context.js';

/**
 * `GET /api/cluster/members`: the members of the cluster this server belongs to (health, last
 * heartbeat, resources owned, leader; driver states of the answering member). A standalone
 * server answers `{ mode: 'standalone', members: [] }` rather than 404, so a client needs no
 * special case.
 */
export function registerClusterRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/cluster/members',
    { config: { action: 'system.read' } },
    async (): Promise<ClusterOverview> => {
      const cluster = ctx.runtime.cluster;
      if (!cluster) return { mode: 'standalone', members: [] };
      return { mode: 'cluster', memberId: cluster.memberId, members: await cluster.members() };
    },
  );
}
