import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminServer } from '../server/create-admin-server.js';
import { TOKENS, testServer } from '../server/test-server.js';

let current: AdminServer | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

interface Sse {
  status: number;
  events: { event: string; data: unknown }[];
  comments: string[];
  waitFor(pred: (e: { event: string; data: unknown }[]) => boolean): Promise<void>;
  close(): void;
}

/** A minimal SSE client over node:http (bounded waits). */
function connect(url: string, headers: Record<string, string> = {}): Promise<Sse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const sse: Sse = {
        status: res.statusCode ?? 0,
        events: [],
        comments: [],
        waitFor: (pred) =>
          new Promise((ok, ko) => {
            const started = Date.now();
            const tick = (): void => {
              if (pred(sse.events)) ok();
              else if (Date.now() - started > 5000)
                ko(new Error(`timed out; got ${JSON.stringify(sse.events.map((e) => e.event))}`));
              else setTimeout(tick, 10);
            };
            tick();
          }),
        close: () => req.destroy(),
      };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i = buffer.indexOf('\n\n');
        while (i >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) sse.comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data) sse.events.push({ event, data: JSON.parse(data) });
          i = buffer.indexOf('\n\n');
        }
      });
      res.on('error', () => {});
      resolve(sse);
    });
    req.on('error', reject);
  });
}

async function until(pred: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(pred()).toBe(true);
}

describe('GET /events', () => {
  it('streams lifecycle, upgrade and updates events with keep-alives, then unsubscribes on disconnect', async () => {
    const { server, runtime } = testServer({ keepAliveMs: 20 });
    current = server;
    const before = runtime.observerCount();
    const base = await server.listen({ port: 0 });
    const sse = await connect(`${base}/events?token=${TOKENS.viewer}`);
    expect(sse.status).toBe(200);
    await until(() => runtime.observerCount() === before + 3);
    await runtime.upgrade('com.example.solidfire', {}, { id: 't', roles: ['admin'] });
    await runtime.checkUpdates();
    await sse.waitFor((e) => e.some((x) => x.event === 'updates'));
    const names = new Set(sse.events.map((e) => e.event));
    expect([...names].sort()).toEqual(['lifecycle', 'updates', 'upgrade']);
    expect(sse.events).toContainEqual({
      event: 'lifecycle',
      data: expect.objectContaining({
        driver: 'com.example.solidfire',
        version: '2.0.0',
        from: 'Running',
        to: 'Suspended',
      }),
    });
    expect(sse.events).toContainEqual({
      event: 'upgrade',
      data: expect.objectContaining({ result: 'succeeded', to: '2.1.0' }),
    });
    await until(() => sse.comments.includes('keep-alive'));
    sse.close();
    await until(() => runtime.observerCount() === before);
  });

  it('filters by ?types= and accepts a bearer header too', async () => {
    const { server, runtime } = testServer();
    current = server;
    const base = await server.listen({ port: 0 });
    const sse = await connect(`${base}/events?types=updates`, {
      authorization: `Bearer ${TOKENS.viewer}`,
    });
    await runtime.restart('com.example.kvm', {}, { id: 't', roles: ['admin'] });
    await runtime.checkUpdates();
    await sse.waitFor((e) => e.length > 0);
    expect(sse.events.map((e) => e.event)).toEqual(['updates']);
    sse.close();
  });

  it('refuses a missing or wrong token with a JSON error', async () => {
    const { server } = testServer();
    current = server;
    const res = await server.app.inject({ url: '/events?token=wrong' });
    expect([res.statusCode, res.json().code]).toEqual([401, 'CHASSIS_E_AUTH_INVALID']);
    expect((await server.app.inject({ url: '/events' })).statusCode).toBe(401);
  });

  it('ends open streams when the server closes', async () => {
    const { server, runtime } = testServer();
    const before = runtime.observerCount();
    const base = await server.listen({ port: 0 });
    const sse = await connect(`${base}/events?token=${TOKENS.viewer}`);
    await until(() => runtime.observerCount() === before + 3);
    await server.close();
    expect(runtime.observerCount()).toBe(0);
    sse.close();
  });
});
