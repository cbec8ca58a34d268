import type { FastifyInstance } from 'fastify';
import {
  configureBody,
  createResourceBody,
  driverFilterQuery,
  localeQuery,
  resourceParams,
} from '../openapi/schemas.js';
import type { RouteContext } from '../server/context.js';
import { resourceDetail } from './views.js';

type Bag = Record<string, string | number | boolean | null>;

/** Resource routes: list, detail (masked configuration + form), create, configure. */
export function registerResourceRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { runtime } = ctx;

  app.get<{ Querystring: { driverId?: string } }>(
    '/api/resources',
    { config: { action: 'resources.read' }, schema: { querystring: driverFilterQuery } },
    async (req) =>
      runtime.listResources(req.query.driverId ? { driverId: req.query.driverId } : undefined),
  );

  app.get<{ Params: { id: string }; Querystring: { locale?: string } }>(
    '/api/resources/:id',
    {
      config: { action: 'resources.read', targetKind: 'resource' },
      schema: { params: resourceParams, querystring: localeQuery },
    },
    async (req) => resourceDetail(runtime, req.params.id, req.query.locale ?? 'en'),
  );

  app.post<{
    Body: { id: string; kind: string; driverId: string; name?: string; properties: Bag };
  }>(
    '/api/resources',
    { config: { action: 'resources.create' }, schema: { body: createResourceBody } },
    async (req, reply) => {
      const { id, kind, driverId, name, properties } = req.body;
      const info = await runtime.createResource(
        { id, kind, driverId, ...(name ? { name } : {}), properties },
        req.principal!,
      );
      return reply.status(201).send(info);
    },
  );

  app.put<{ Params: { id: string }; Body: { properties: Bag } }>(
    '/api/resources/:id/configuration',
    {
      config: { action: 'resources.configure', targetKind: 'resource' },
      schema: { params: resourceParams, body: configureBody },
    },
    async (req) => runtime.configure(req.params.id, req.body.properties, req.principal!),
  );
}
