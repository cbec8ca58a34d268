/**
 * Public API of `@chassis/admin`: the admin HTTP server (JSON API, SSE, OpenAPI, Prometheus
 * metrics, web UI) over a `RuntimeApi`, token authentication, the authorisation hook with its
 * audit trail, and the instrumentation hook. Test doubles live in `@chassis/admin/testing`.
 */
export {
  type AdminAction,
  type AdminTarget,
  type AuditEntry,
  AuditLog,
  type AuthorizeFn,
  type AuthorizeOperationsOptions,
  authorizeOperations,
  isReadAction,
  roleBasedAuthorize,
} from './auth/authorize.js';
export {
  ADMIN_PRINCIPAL,
  ADMIN_TOKEN_FILE,
  ANONYMOUS_PRINCIPAL,
  type Authenticator,
  type AuthOptions,
  createAuthenticator,
  loadOrCreateAdminToken,
} from './auth/tokens.js';
export type { InstrumentationHook, MetricsSnapshot } from './hooks/instrumentation.js';
export {
  type AdminMetrics,
  createAdminMetrics,
  type MetricsOptions,
} from './metrics/prometheus.js';
export { openApiDocument } from './openapi/document.js';
export { EVENT_TYPES } from './routes/events.js';
export type { DriverDetail, DriverSummary, VersionDetail, VersionSummary } from './routes/views.js';
export {
  type AdminServer,
  type AdminServerOptions,
  createAdminServer,
} from './server/create-admin-server.js';
export { type ErrorBody, toErrorResponse } from './server/errors.js';
