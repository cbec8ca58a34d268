import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminServer } from './create-admin-server.js';
import { as, testServer } from './test-server.js';

// Errors raised before a route runs (HTTP parser, router) and at listen, over a real socket.

let server: AdminServer | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

async function listening(): Promise<string> {
  server = testServer().server;
  return server.listen({ host: '127.0.0.1', port: 0 });
}

describe('edge HTTP errors are typed', () => {
  it('431: headers over the parser limit answer CHASSIS_E_ADMIN_HEADERS_TOO_LARGE as JSON', async () => {
    const url = await listening();
    const res = await fetch(`${url}/api/drivers`, {
      headers: { ...as('admin'), 'x-filler': 'a'.repeat(20_000) },
    });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { code: string; message: string; details: object };
    expect(body.code).toBe('CHASSIS_E_ADMIN_HEADERS_TOO_LARGE');
    expect(body.details).toEqual({ reason: 'HPE_HEADER_OVERFLOW' });
  });

  it('431 as well for a URL longer than the header limit', async () => {
    const url = await listening();
    const res = await fetch(`${url}/api/drivers?q=${'a'.repeat(20_000)}`, { headers: as('admin') });
    expect(res.status).toBe(431);
    expect(((await res.json()) as { code: string }).code).toBe('CHASSIS_E_ADMIN_HEADERS_TOO_LARGE');
  });

  it('414: a path segment over the router cap answers CHASSIS_E_ADMIN_URL_TOO_LONG', async () => {
    const url = await listening();
    const res = await fetch(`${url}/api/drivers/${'a'.repeat(500)}`, { headers: as('admin') });
    expect(res.status).toBe(414);
    const body = (await res.json()) as { code: string; details: { reason: string } };
    expect(body.code).toBe('CHASSIS_E_ADMIN_URL_TOO_LONG');
    expect(body.details.reason).toBe('FST_ERR_MAX_PARAM_LENGTH');
  });

  it('EADDRINUSE at listen is CHASSIS_E_ADMIN_PORT_IN_USE naming the address', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port)),
    );
    server = testServer().server;
    const err = await server.listen({ host: '127.0.0.1', port }).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_ADMIN_PORT_IN_USE');
    expect(err.details).toEqual({ host: '127.0.0.1', port });
  });
});
