import type { FastifyInstance } from 'fastify';
import type { AdminAction } from '../auth/authorize.js';
import type { RouteContext } from '../server/context.js';

/** The actions the UI offers buttons for; `GET /api/session` says which the caller may do. */
export const UI_ACTIONS: readonly AdminAction[] = [
  'drivers.install',
  'drivers.upgrade',
  'drivers.rollback',
  'drivers.uninstall',
  'drivers.restart',
  'resources.create',
  'resources.configure',
  'resources.delete',
  'resources.pin',
  'resources.test',
  'updates.check',
  'audit.read',
  'metrics.read',
  'upgrades.read',
];

/**
 * `GET /api/session` (who the token is and what it may do, so the UI offers only those actions)
 * and `GET /api/metrics/history` (the short in-memory history behind the UI's charts).
 */
export function registerSessionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/session', { config: { action: 'system.read' } }, async (req) => {
    const principal = req.principal!;
    const allowed: string[] = [];
    for (const action of UI_ACTIONS) {
      // The hook decides per target; the system target answers "may this role do it at all".
      // A throwing hook denies, as it does for the request itself.
      const ok = await Promise.resolve()
        .then(() => ctx.authorize(principal, action, { kind: 'system' }))
        .catch(() => false);
      if (ok) allowed.push(action);
    }
    return { principal: principal.id, roles: principal.roles, actions: allowed };
  });

  app.get('/api/metrics/history', { config: { action: 'metrics.read' } }, async () => ({
    intervalMs: ctx.history.intervalMs,
    samples: ctx.history.list(),
  }));
}
