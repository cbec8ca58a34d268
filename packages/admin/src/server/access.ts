import { ChassisError } from '@chassis/kernel';
import type { Principal } from '@chassis/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AdminTarget, decide, deniedError, isReadAction } from '../auth/authorize.js';
import { ANONYMOUS_PRINCIPAL } from '../auth/tokens.js';
import type { RouteContext } from './context.js';

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m) return m[1];
  }
  if (request.routeOptions.config.queryToken) {
    const q = (request.query as Record<string, unknown> | undefined)?.token;
    if (typeof q === 'string' && q !== '') return q;
  }
  return undefined;
}

/**
 * The `onRequest` hook: authenticates, then authorises the route's action before any body is
 * read (so a denied upload costs nothing). Denials are audited and logged; allowed mutations
 * are audited too, so the trail shows who changed what.
 */
export function accessHook(ctx: RouteContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const config = request.routeOptions.config;
    if (config.public || request.routeOptions.url === undefined) return;
    const action = config.action ?? 'system.read';
    const token = bearer(request);
    let principal: Principal | undefined;
    if (token !== undefined) {
      principal = await ctx.authenticate(token);
      if (!principal) {
        throw new ChassisError(
          'CHASSIS_E_AUTH_INVALID',
          'The bearer token is not valid; check --token or CHASSIS_TOKEN.',
        );
      }
    } else if (ctx.anonymousReads && isReadAction(action)) {
      principal = ANONYMOUS_PRINCIPAL;
    } else {
      throw new ChassisError(
        'CHASSIS_E_AUTH_REQUIRED',
        'This route needs "Authorization: Bearer <token>" (see the admin token printed at first start).',
      );
    }
    request.principal = principal;
    const id = (request.params as Record<string, unknown> | undefined)?.id;
    const target: AdminTarget =
      config.targetKind && typeof id === 'string'
        ? { kind: config.targetKind, id }
        : { kind: 'system' };
    const { allowed, reason } = await decide(ctx.authorize, principal, action, target);
    const mutation = !action.endsWith('.read');
    if (!allowed || mutation) {
      const entry = {
        at: new Date().toISOString(),
        principal: principal.id,
        roles: principal.roles,
        action,
        target,
        allowed,
        ...(reason ? { reason } : {}),
      };
      ctx.audit.record(entry);
      if (!allowed) ctx.log.warn({ audit: entry }, 'admin action denied');
      else ctx.log.info({ audit: entry }, 'admin action');
    }
    if (!allowed) throw deniedError(principal, action, target);
  };
}
