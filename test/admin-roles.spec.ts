import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRequest } from './support/admin-http.js';
import { chassis } from './support/chassis-cli.js';
import { type ServedExample, startServe } from './support/serve.js';

/**
 * Role-based authorization of the admin API as an operator sets it up: extra tokens with a
 * role (`--admin-token <token>=<role>`), each action checked by the authorize hook, every
 * denial a typed 403 and an audit entry.
 */
const VIEWER = 'viewer-token-for-black-box-tests';
const OPERATOR = 'operator-token-for-black-box-tests';

describe('admin roles (viewer, operator, admin) on the real server', () => {
  let server: ServedExample;
  beforeAll(async () => {
    server = await startServe({
      extraArgs: ['--admin-token', `${VIEWER}=viewer`, '--admin-token', `${OPERATOR}=operator`],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a viewer reads but may not change anything; the denial is audited', async () => {
    const list = await adminRequest<{ id: string }[]>(server.url, '/api/drivers', {
      token: VIEWER,
    });
    expect(list.status).toBe(200);
    expect(list.body.map((d) => d.id)).toContain('com.example.solidfire');
    const restart = await adminRequest<{ code: string }>(
      server.url,
      '/api/drivers/com.example.solidfire/restart',
      {
        method: 'POST',
        token: VIEWER,
        body: {},
      },
    );
    expect(restart.status).toBe(403);
    expect(restart.body.code).toBe('CHASSIS_E_AUTH_DENIED');
    const audit = await adminRequest<{ principal?: { id: string } | string; allowed?: boolean }[]>(
      server.url,
      '/api/audit',
      { token: server.token },
    );
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain('viewer-token-1');
    expect((await adminRequest(server.url, '/api/audit', { token: VIEWER })).status).toBe(403);
  });

  it('the CLI with a viewer token gets exit 1 and the typed code', async () => {
    const run = await chassis(['drivers', 'rollback', 'com.example.solidfire'], {
      env: { CHASSIS_URL: server.url, CHASSIS_TOKEN: VIEWER },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CHASSIS_E_AUTH_DENIED');
  });

  it('an operator may configure a resource', async () => {
    const res = await adminRequest<{ configuration: Record<string, unknown> }>(
      server.url,
      '/api/resources/pool-1/configuration',
      {
        method: 'PUT',
        token: OPERATOR,
        body: { properties: { maxIops: 12000 } },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.configuration.maxIops).toBe(12000);
  });
});
