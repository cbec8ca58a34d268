import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../openapi/document.js';
import type { RouteContext } from '../server/context.js';

/** Health, OpenAPI, metrics (Prometheus and JSON), updates and the audit trail. */
export function registerSystemRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { runtime, metrics } = ctx;

  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));

  // The document names the server the client actually reached, not a fixed default.
  app.get('/openapi.json', { config: { action: 'system.read' } }, async (req) => ({
    ...openApiDocument,
    servers: [{ url: `${req.protocol}://${req.host}` }],
  }));

  app.get('/metrics', { config: { action: 'metrics.read' } }, async (_req, reply) => {
    const text = await metrics.registry.metrics();
    ctx.emitMetrics();
    return reply.type(metrics.registry.contentType).send(text);
  });

  app.get('/api/metrics/executors', { config: { action: 'metrics.read' } }, async () =>
    runtime.executorMetrics(),
  );

  app.get('/api/metrics/memory', { config: { action: 'metrics.read' } }, async () =>
    metrics.driverMemory(),
  );

  app.get('/api/updates', { config: { action: 'updates.read' } }, async () =>
    runtime.availableUpdates(),
  );

  app.post('/api/updates/check', { config: { action: 'updates.check' } }, async () =>
    runtime.checkUpdates(),
  );

  app.get('/api/audit', { config: { action: 'audit.read' } }, async () => ctx.audit.list());
}
