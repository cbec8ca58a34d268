import type { FastifyInstance } from 'fastify';
import { catalogQuery } from '../openapi/paths-catalog.js';
import { driverParams } from '../openapi/schemas.js';
import type { RouteContext } from '../server/context.js';

/**
 * `GET /api/catalog?q=` and `GET /api/catalog/:id`: the configured repository's drivers, to
 * install by id. A read (every role); installing stays `drivers.install`.
 */
export function registerCatalogRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: { q?: string } }>(
    '/api/catalog',
    { config: { action: 'catalog.read' }, schema: { querystring: catalogQuery } },
    async (req) => ctx.runtime.searchCatalog(req.query.q ?? ''),
  );

  app.get<{ Params: { id: string } }>(
    '/api/catalog/:id',
    { config: { action: 'catalog.read', targetKind: 'driver' }, schema: { params: driverParams } },
    async (req) => ctx.runtime.catalogDriver(req.params.id),
  );
}
