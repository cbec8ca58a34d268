import type { Logger } from '@chassis/kernel';
import type { Principal, RuntimeApi } from '@chassis/runtime';
import type { AdminAction, AuditLog, AuthorizeFn } from '../auth/authorize.js';
import type { Authenticator } from '../auth/tokens.js';
import type { MetricsHistory } from '../metrics/history.js';
import type { AdminMetrics } from '../metrics/prometheus.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The admin action a route performs (authorised before the body is read). */
    action?: AdminAction;
    /** What `:id` names, for the authorisation target. */
    targetKind?: 'driver' | 'resource';
    /** No authentication at all (health check, UI page shell). */
    public?: boolean;
    /** Accept the token as `?token=` (EventSource cannot send headers). */
    queryToken?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
    /** Temp directory of an uploaded CAR, removed when the response is sent. */
    uploadDir?: string;
  }
}

/** What every route module gets. */
export interface RouteContext {
  readonly runtime: RuntimeApi;
  readonly authenticate: Authenticator;
  readonly authorize: AuthorizeFn;
  readonly audit: AuditLog;
  readonly metrics: AdminMetrics;
  readonly log: Logger;
  readonly anonymousReads: boolean;
  /** Largest CAR upload, in bytes. */
  readonly uploadLimit: number;
  /** Interval of SSE keep-alive comments. */
  readonly keepAliveMs: number;
  /** Calls the instrumentation hooks' `onMetrics` (at each scrape). */
  readonly emitMetrics: () => void;
  /** The short in-memory metrics history behind the UI's charts. */
  readonly history: MetricsHistory;
}
