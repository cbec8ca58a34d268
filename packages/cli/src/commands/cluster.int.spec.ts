import { type AdminServer, createAdminServer } from '@chassis/admin';
import { createFakeRuntime } from '@chassis/admin/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/run.js';

const TOKEN = 'cli-cluster-viewer-token-0123456789';
let admin: AdminServer | undefined;

async function serve(cluster?: unknown): Promise<string> {
  const runtime = createFakeRuntime();
  if (cluster) Object.assign(runtime, { cluster });
  admin = createAdminServer({
    runtime,
    logger: false,
    auth: { tokens: { [TOKEN]: { id: 'v', roles: ['viewer'] } } },
  });
  return admin.listen({ port: 0 });
}

afterEach(async () => {
  await admin?.close();
  admin = undefined;
});

describe('chassis cluster members', () => {
  it('lists members with health, leader, last heartbeat and resources owned', async () => {
    const url = await serve({
      memberId: 'a',
      members: async () => [
        {
          memberId: 'a',
          url: 'http://127.0.0.1:7401',
          alive: true,
          leader: true,
          startedAt: '2026-01-01T00:00:00.000Z',
          lastHeartbeat: '2026-01-01T00:00:09.000Z',
          resources: ['pool-1', 'pool-2'],
          self: true,
        },
        {
          memberId: 'b',
          url: 'http://127.0.0.1:7402',
          alive: false,
          leader: false,
          startedAt: '2026-01-01T00:00:00.000Z',
          lastHeartbeat: '2026-01-01T00:00:01.000Z',
          resources: [],
          self: false,
        },
      ],
    });
    const r = await run('cluster', 'members', '--url', url, '--token', TOKEN);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^MEMBER\s+HEALTH\s+LEADER\s+LAST HEARTBEAT\s+RESOURCES\s+URL$/);
    expect(lines[1]).toMatch(/^a \*\s+alive\s+yes\s+2026-01-01T00:00:09.000Z\s+2: pool-1, pool-2/);
    expect(lines[2]).toMatch(/^b\s+down\s+2026-01-01T00:00:01.000Z\s+-/);
    const json = await run('cluster', 'members', '--url', url, '--token', TOKEN, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ mode: 'cluster', memberId: 'a' });
  });

  it('says so on a standalone server', async () => {
    const url = await serve();
    const r = await run('cluster', 'members', '--url', url, '--token', TOKEN);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^standalone server/);
  });
});
