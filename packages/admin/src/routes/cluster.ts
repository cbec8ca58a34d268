import type { ClusterOverview, DriverMembers } from '@chassis/runtime';
import type { FastifyInstance } from 'fastify';
import { driverParams } from '../openapi/schemas.js';
import type { RouteContext } from '../server/context.js';

/**
 * `GET /api/cluster/members`: the members of the cluster this server belongs to (health, last
 * heartbeat, resources owned and those owned only as a fallback, leader, and the driver states
 * each member published). A standalone server answers `{ mode: 'standalone', members: [] }`
 * rather than 404, so a client needs no special case.
 *
 * `GET /api/drivers/:id/members`: one driver on every member (its versions and their states
 * there, whether the member may own the driver's resources, which of them it owns).
 * Standalone: `members: []`; an unknown driver is `CHASSIS_E_UPGRADE_NOT_INSTALLED` (404).
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
  app.get<{ Params: { id: string } }>(
    '/api/drivers/:id/members',
    { config: { action: 'drivers.read', targetKind: 'driver' }, schema: { params: driverParams } },
    async (req): Promise<DriverMembers> => {
      const driverId = req.params.id;
      const cluster = ctx.runtime.cluster;
      if (!cluster) {
        ctx.runtime.getDriver(driverId);
        return { mode: 'standalone', driverId, members: [] };
      }
      return { mode: 'cluster', driverId, members: await cluster.driverMembers(driverId) };
    },
  );
}
