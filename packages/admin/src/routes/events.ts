import type { FastifyInstance } from 'fastify';
import type { Subscription } from 'rxjs';
import type { RouteContext } from '../server/context.js';

/** SSE event names, in the order of the runtime streams they come from. */
export const EVENT_TYPES = ['lifecycle', 'upgrade', 'updates'] as const;

const eventsQuery = {
  type: 'object',
  properties: {
    token: { type: 'string' },
    types: {
      type: 'string',
      pattern: '^(lifecycle|upgrade|updates)(,(lifecycle|upgrade|updates))*$',
    },
  },
} as const;

/**
 * `GET /events`: server-sent events from `lifecycle$` (`lifecycle`), `upgrades$` (`upgrade`) and
 * `updates$` (`updates`), a keep-alive comment every `keepAliveMs`, and every subscription
 * released when the client goes away or the server closes.
 */
export function registerEventRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get<{ Querystring: { types?: string } }>(
    '/events',
    { config: { action: 'events.read', queryToken: true }, schema: { querystring: eventsQuery } },
    (req, reply) => {
      const wanted = new Set(req.query.types ? req.query.types.split(',') : EVENT_TYPES);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let seq = 0;
      const send = (event: string, data: unknown): void => {
        seq++;
        res.write(`id: ${seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      res.write(`retry: 3000\n: connected\n\n`);
      const subs: Subscription[] = [];
      if (wanted.has('lifecycle'))
        subs.push(ctx.runtime.lifecycle$.subscribe((e) => send('lifecycle', e)));
      if (wanted.has('upgrade'))
        subs.push(ctx.runtime.upgrades$.subscribe((r) => send('upgrade', r)));
      if (wanted.has('updates'))
        subs.push(ctx.runtime.updates$.subscribe((u) => send('updates', u)));
      const timer = setInterval(() => res.write(': keep-alive\n\n'), ctx.keepAliveMs);
      timer.unref();
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        clearInterval(timer);
        for (const s of subs) s.unsubscribe();
        open.delete(end);
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      req.raw.on('close', end);
      res.on('close', end);
      res.on('error', end);
    },
  );
}
