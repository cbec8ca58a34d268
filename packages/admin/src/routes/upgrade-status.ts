import {
  pickProperties,
  UpgradeStatusSchema,
  type UpgradeStatus as UpgradeStatusView,
} from '@chassis/kernel/summaries';
import type { UpgradeStatus } from '@chassis/runtime';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { upgradeIdParams } from '../openapi/schemas.js';
import type { RouteContext } from '../server/context.js';

/**
 * True when the request's `Prefer` header (RFC 7240; several headers are joined by commas)
 * holds the `respond-async` preference, whatever its parameters or case.
 */
export function prefersAsync(header: string | readonly string[] | undefined): boolean {
  const all = typeof header === 'string' ? header : (header ?? []).join(',');
  return all.split(',').some((p) => p.split(/[;=]/)[0]?.trim().toLowerCase() === 'respond-async');
}

/** Where a status is followed: `GET /api/upgrades/{id}`. */
export const upgradeHref = (id: string) => `/api/upgrades/${encodeURIComponent(id)}`;

/** The API view of a status: exactly what `UpgradeStatusSchema` names, plus where to follow it. */
export function upgradeStatusView(s: UpgradeStatus): UpgradeStatusView {
  return pickProperties(UpgradeStatusSchema, {
    ...s,
    href: upgradeHref(s.id),
  } as UpgradeStatusView);
}

/**
 * `202 Accepted` for a request sent with `Prefer: respond-async`: the status, a `Location` to
 * follow it and `Preference-Applied` (RFC 7240 §3).
 */
export function accepted(reply: FastifyReply, status: UpgradeStatus): FastifyReply {
  const view = upgradeStatusView(status);
  return reply
    .status(202)
    .header('location', view.href)
    .header('preference-applied', 'respond-async')
    .send(view);
}

/** `GET /api/upgrades/:id`: one accepted action (or any history record) and where it is. */
export function registerUpgradeStatusRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { id: string } }>(
    '/api/upgrades/:id',
    { config: { action: 'upgrades.read' }, schema: { params: upgradeIdParams } },
    async (req) => upgradeStatusView(await ctx.runtime.upgradeStatus(req.params.id)),
  );
}
