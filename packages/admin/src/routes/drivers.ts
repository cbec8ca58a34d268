import type { RolloutPolicy, UpgradeOptions } from '@chassis/runtime';
import type { FastifyInstance } from 'fastify';
import {
  driverFilterQuery,
  driverParams,
  installBody,
  localeQuery,
  restartBody,
  rollbackBody,
  uninstallQuery,
  upgradeBody,
} from '../openapi/schemas.js';
import type { RouteContext } from '../server/context.js';
import { emptyBodyAsObject } from './optional-body.js';
import { accepted, prefersAsync, registerUpgradeStatusRoute } from './upgrade-status.js';
import { isUploadedCar } from './upload.js';
import { driverDetail, driverSummary } from './views.js';

type IdParams = { id: string };
type Locale = { locale?: string };
type UpgradeBody = { version?: string; policy?: RolloutPolicy; resources?: string[] };

/** The runtime's upgrade options from a request body (absent fields left out). */
function upgradeOptions(body: UpgradeBody = {}): UpgradeOptions {
  return {
    ...(body.version ? { version: body.version } : {}),
    ...(body.policy ? { policy: body.policy } : {}),
    ...(body.resources ? { resources: body.resources } : {}),
  };
}

/**
 * Driver routes: list, detail, lifecycle history, install, upgrade, rollback, restart, uninstall.
 * Upgrade and rollback answer `202 Accepted` with the action's status under
 * `Prefer: respond-async` (followed at `GET /api/upgrades/:id`), else when the action ended.
 */
export function registerDriverRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { runtime } = ctx;

  app.get('/api/drivers', { config: { action: 'drivers.read' } }, async () => {
    const updates = runtime.availableUpdates();
    return runtime.listDrivers().map((d) => driverSummary(d, updates));
  });

  app.get<{ Params: IdParams; Querystring: Locale }>(
    '/api/drivers/:id',
    {
      config: { action: 'drivers.read', targetKind: 'driver' },
      schema: { params: driverParams, querystring: localeQuery },
    },
    async (req) => driverDetail(runtime, req.params.id, req.query.locale ?? 'en'),
  );

  app.get<{ Params: IdParams }>(
    '/api/drivers/:id/lifecycle',
    { config: { action: 'drivers.read', targetKind: 'driver' }, schema: { params: driverParams } },
    async (req) => runtime.lifecycleHistory(req.params.id),
  );

  app.post(
    '/api/drivers',
    {
      config: { action: 'drivers.install' },
      bodyLimit: ctx.uploadLimit,
      schema: {
        body: {
          content: {
            'application/json': { schema: installBody },
            'application/octet-stream': { schema: {} },
          },
        },
      },
    },
    async (req, reply) => {
      const principal = req.principal!;
      if (isUploadedCar(req.body)) {
        // The runtime reads and checks the CAR once (size caps, paths, zip bombs, manifest
        // digests, driver.yaml), then verifies the signature on that same checked archive.
        const record = await runtime.install(
          { kind: 'file', path: req.body.uploadPath },
          principal,
        );
        return reply.status(201).send(record);
      }
      const { source } = req.body as { source: { id: string; version?: string } };
      const record = await runtime.install(
        {
          kind: 'repository',
          id: source.id,
          ...(source.version ? { version: source.version } : {}),
        },
        principal,
      );
      return reply.status(201).send(record);
    },
  );

  // A plan changes nothing: whoever may read drivers may see one.
  app.post<{ Params: IdParams; Body: UpgradeBody | undefined }>(
    '/api/drivers/:id/upgrade-plan',
    {
      config: { action: 'drivers.read', targetKind: 'driver' },
      schema: { params: driverParams, body: upgradeBody },
    },
    async (req) => runtime.planUpgrade(req.params.id, upgradeOptions(req.body)),
  );

  app.post<{ Params: IdParams; Body: UpgradeBody | undefined }>(
    '/api/drivers/:id/upgrade',
    {
      config: { action: 'drivers.upgrade', targetKind: 'driver' },
      schema: { params: driverParams, body: upgradeBody },
    },
    async (req, reply) =>
      prefersAsync(req.headers.prefer)
        ? accepted(
            reply,
            await runtime.submitUpgrade(req.params.id, upgradeOptions(req.body), req.principal!),
          )
        : runtime.upgrade(req.params.id, upgradeOptions(req.body), req.principal!),
  );

  app.post<{ Params: IdParams; Body: { to?: string } | undefined }>(
    '/api/drivers/:id/rollback',
    {
      config: { action: 'drivers.rollback', targetKind: 'driver' },
      schema: { params: driverParams, body: rollbackBody },
      preValidation: emptyBodyAsObject,
    },
    async (req, reply) => {
      const options = req.body?.to ? { to: req.body.to } : {};
      return prefersAsync(req.headers.prefer)
        ? accepted(reply, await runtime.submitRollback(req.params.id, req.principal!, options))
        : runtime.rollback(req.params.id, req.principal!, options);
    },
  );

  app.post<{ Params: IdParams; Body: { version?: string } | undefined }>(
    '/api/drivers/:id/restart',
    {
      config: { action: 'drivers.restart', targetKind: 'driver' },
      schema: { params: driverParams, body: restartBody },
      preValidation: emptyBodyAsObject,
    },
    async (req) => {
      const version = req.body?.version;
      await runtime.restart(req.params.id, version ? { version } : {}, req.principal!);
      return driverDetail(runtime, req.params.id, 'en');
    },
  );

  app.delete<{ Params: IdParams; Querystring: { version?: string; force?: string } }>(
    '/api/drivers/:id',
    {
      config: { action: 'drivers.uninstall', targetKind: 'driver' },
      schema: { params: driverParams, querystring: uninstallQuery },
    },
    async (req) =>
      runtime.uninstall(
        req.params.id,
        {
          ...(req.query.version ? { version: req.query.version } : {}),
          ...(req.query.force === 'true' || req.query.force === '1' || req.query.force === ''
            ? { force: true }
            : {}),
        },
        req.principal!,
      ),
  );

  app.get<{ Querystring: { driverId?: string } }>(
    '/api/upgrades',
    { config: { action: 'upgrades.read' }, schema: { querystring: driverFilterQuery } },
    async (req) => runtime.upgradeHistory(req.query.driverId),
  );

  registerUpgradeStatusRoute(app, ctx);
}
