import type { Logger } from '@chassis/kernel';
import type { RuntimeApi } from '@chassis/runtime';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { pino } from 'pino';
import type { Subscription } from 'rxjs';
import { AuditLog, type AuthorizeFn, roleBasedAuthorize } from '../auth/authorize.js';
import { type AuthOptions, createAuthenticator } from '../auth/tokens.js';
import { dispatch, type InstrumentationHook } from '../hooks/instrumentation.js';
import { MetricsHistory, type MetricsHistoryOptions } from '../metrics/history.js';
import { createAdminMetrics, type MetricsOptions } from '../metrics/prometheus.js';
import { registerCatalogRoutes } from '../routes/catalog.js';
import { registerClusterRoutes } from '../routes/cluster.js';
import { registerDriverRoutes } from '../routes/drivers.js';
import { registerEventRoutes } from '../routes/events.js';
import { registerResourceRoutes } from '../routes/resources.js';
import { registerSessionRoutes } from '../routes/session.js';
import { registerSystemRoutes } from '../routes/system.js';
import { registerUiRoutes } from '../routes/ui.js';
import { installCarUploadParser } from '../routes/upload.js';
import { accessHook } from './access.js';
import type { RouteContext } from './context.js';
import { listenError, onClientError, onFrameworkError } from './edge-errors.js';
import { installErrorHandlers } from './errors.js';

/** Options of {@link createAdminServer}. */
export interface AdminServerOptions {
  readonly runtime: RuntimeApi;
  /** Token authentication; required (there is no unauthenticated mode). */
  readonly auth: AuthOptions;
  /** Authorisation hook (default {@link roleBasedAuthorize}). */
  readonly authorize?: AuthorizeFn;
  /** A pino logger (default: pino at `info` on stdout; `false`: silent). */
  readonly logger?: pino.Logger | false;
  readonly metrics?: MetricsOptions;
  /** Instrumentation subscribers (OpenTelemetry, ...). */
  readonly hooks?: readonly InstrumentationHook[];
  /** Cap of JSON bodies in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Cap of CAR uploads in bytes (default 64 MiB). */
  readonly uploadLimit?: number;
  /** SSE keep-alive interval (default 15 s). */
  readonly keepAliveMs?: number;
  /** Calls `onMetrics` hooks this often (default 30 s; 0 = only at scrapes). */
  readonly metricsIntervalMs?: number;
  /** The in-memory metrics history behind the UI's charts (default: a sample every 5 s, 120 kept). */
  readonly metricsHistory?: MetricsHistoryOptions;
}

/** A running (or ready to listen) admin server. */
export interface AdminServer {
  /** The fastify instance (for `inject` in tests and for adding routes). */
  readonly app: FastifyInstance;
  readonly audit: AuditLog;
  /** Every registered route as `METHOD /path` (HEAD excluded), for documentation checks. */
  readonly routes: readonly string[];
  /**
   * Listens (default 127.0.0.1, never all interfaces unless asked); resolves with the URL. An
   * address in use is `CHASSIS_E_ADMIN_PORT_IN_USE`.
   */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /** Ends SSE streams, unsubscribes from the runtime and closes the server. */
  close(): Promise<void>;
}

/**
 * Builds the admin HTTP server: the JSON API over a {@link RuntimeApi}, SSE events, OpenAPI,
 * Prometheus metrics and the web UI, behind token authentication and the authorisation hook.
 */
export function createAdminServer(options: AdminServerOptions): AdminServer {
  const logger =
    options.logger === false
      ? pino({ level: 'silent' })
      : (options.logger ?? pino({ level: 'info', name: 'chassis-admin' }));
  const app = Fastify({
    loggerInstance: logger,
    // Per-request lines would drown the audit lines that matter; mutations are logged by access.ts.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    ajv: {
      customOptions: {
        allErrors: true,
        removeAdditional: false,
        coerceTypes: false,
        allowUnionTypes: true,
      },
    },
    return503OnClosing: true,
    // Parser and router errors answer in the API's typed JSON shape too (see edge-errors.ts).
    clientErrorHandler: onClientError,
    frameworkErrors: onFrameworkError,
    // The pino-typed instance is narrowed to the base logger type the route modules use.
  }) as unknown as FastifyInstance;
  const audit = new AuditLog();
  const metrics = createAdminMetrics(options.runtime, options.metrics);
  const hooks = options.hooks ?? [];
  const log = logger as unknown as Logger;
  const onHookError = (err: unknown, method: string): void => {
    logger.warn({ err, hook: method }, 'instrumentation hook failed');
  };
  const emitMetrics = (): void => {
    if (hooks.some((h) => h.onMetrics))
      dispatch(hooks, 'onMetrics', metrics.snapshot(), onHookError);
  };
  const ctx: RouteContext = {
    runtime: options.runtime,
    authenticate: createAuthenticator(options.auth),
    authorize: options.authorize ?? roleBasedAuthorize,
    audit,
    metrics,
    log,
    anonymousReads: options.auth.anonymousReads === true,
    uploadLimit: options.uploadLimit ?? 64 * 1024 * 1024,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    emitMetrics,
    history: new MetricsHistory(
      {
        executorMetrics: () => options.runtime.executorMetrics(),
        driverMemory: () => metrics.driverMemory(),
      },
      options.metricsHistory,
    ),
  };
  ctx.history.start();

  const subs: Subscription[] = [
    options.runtime.lifecycle$.subscribe((e) => dispatch(hooks, 'onLifecycle', e, onHookError)),
    options.runtime.upgrades$.subscribe((r) => {
      metrics.observeUpgrade(r);
      dispatch(hooks, 'onUpgrade', r, onHookError);
    }),
  ];
  const interval = options.metricsIntervalMs ?? 30_000;
  const timer =
    interval > 0 && hooks.some((h) => h.onMetrics) ? setInterval(emitMetrics, interval) : undefined;
  timer?.unref();

  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    }
  });
  installErrorHandlers(app);
  installCarUploadParser(app, ctx.uploadLimit, options.runtime.uploadDir);
  app.addHook('onRequest', accessHook(ctx));
  registerUiRoutes(app);
  registerSystemRoutes(app, ctx);
  registerDriverRoutes(app, ctx);
  registerCatalogRoutes(app, ctx);
  registerResourceRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerSessionRoutes(app, ctx);
  registerClusterRoutes(app, ctx);
  app.addHook('onClose', async () => {
    ctx.history.stop();
    if (timer) clearInterval(timer);
    for (const s of subs) s.unsubscribe();
  });

  return {
    app,
    audit,
    routes,
    async listen({ host = '127.0.0.1', port = 8080 } = {}) {
      try {
        return await app.listen({ host, port });
      } catch (err) {
        throw listenError(err, host, port);
      }
    },
    async close() {
      await app.close();
    },
  };
}
