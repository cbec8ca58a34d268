import type { CompartmentState } from '@chassis/kernel';
import type { FastifyInstance } from 'fastify';
import {
  configureBody,
  createResourceBody,
  deleteResourceQuery,
  localeQuery,
  pinBody,
  resourceFilterQuery,
  resourceParams,
  testBody,
} from '../openapi/schemas.js';
import type { RouteContext } from '../server/context.js';
import { emptyBodyAsObject } from './optional-body.js';
import { readOwners, withOwner } from './resource-owners.js';
import { resourceDetail } from './views.js';

type Bag = Record<string, string | number | boolean | null>;

type Filter = { driverId?: string; version?: string; state?: CompartmentState };
const truthy = (v: string | undefined) => v === 'true' || v === '1' || v === '';

/** Resource routes: list, detail (masked configuration + form), create, configure, delete, pin, test. */
export function registerResourceRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { runtime } = ctx;

  app.get<{ Querystring: Filter }>(
    '/api/resources',
    { config: { action: 'resources.read' }, schema: { querystring: resourceFilterQuery } },
    async (req) => {
      const { driverId, version, state } = req.query;
      const rows = runtime.listResources({
        ...(driverId ? { driverId } : {}),
        ...(version ? { version } : {}),
        ...(state ? { state } : {}),
      });
      const owners = await readOwners(runtime, req.log);
      return rows.map((r) => withOwner(r, owners));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { locale?: string } }>(
    '/api/resources/:id',
    {
      config: { action: 'resources.read', targetKind: 'resource' },
      schema: { params: resourceParams, querystring: localeQuery },
    },
    async (req) => {
      const detail = resourceDetail(runtime, req.params.id, req.query.locale ?? 'en');
      return withOwner(detail, await readOwners(runtime, req.log));
    },
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

  app.delete<{ Params: { id: string }; Querystring: { force?: string } }>(
    '/api/resources/:id',
    {
      config: { action: 'resources.delete', targetKind: 'resource' },
      schema: { params: resourceParams, querystring: deleteResourceQuery },
    },
    async (req, reply) => {
      await runtime.deleteResource(
        req.params.id,
        truthy(req.query.force) ? { force: true } : {},
        req.principal!,
      );
      return reply.status(204).send();
    },
  );

  app.put<{ Params: { id: string }; Body: { version: string | null } }>(
    '/api/resources/:id/pin',
    {
      config: { action: 'resources.pin', targetKind: 'resource' },
      schema: { params: resourceParams, body: pinBody },
    },
    async (req) => runtime.pinResource(req.params.id, req.body.version, req.principal!),
  );

  app.post<{
    Params: { id: string };
    Body: { operation?: string; args?: unknown[]; timeoutMs?: number } | undefined;
  }>(
    '/api/resources/:id/test',
    {
      config: { action: 'resources.test', targetKind: 'resource' },
      schema: { params: resourceParams, body: testBody },
      preValidation: emptyBodyAsObject,
    },
    async (req) => {
      const { operation, args, timeoutMs } = req.body ?? {};
      return runtime.testResource(
        req.params.id,
        {
          ...(operation ? { operation } : {}),
          ...(args ? { args } : {}),
          ...(timeoutMs ? { timeoutMs } : {}),
        },
        req.principal!,
      );
    },
  );
}
