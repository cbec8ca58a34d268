import { type AdminServer, createAdminServer } from '@chassis/admin';
import { createFakeRuntime, fakeCluster } from '@chassis/admin/testing';
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

const SF = 'com.example.solidfire';
/** `a` owns pool-2 only as a fallback; `c` is alive but never loaded the driver. */
const cluster = fakeCluster({
  owned: ['pool-1', 'pool-2'],
  fallback: ['pool-2'],
  moreDriverMembers: [
    {
      memberId: 'c',
      alive: true,
      self: false,
      lastHeartbeat: '2026-01-01T00:00:09.000Z',
      versions: [],
      eligible: false,
      resources: [],
      fallback: [],
    },
  ],
});

describe('chassis cluster members', () => {
  it('lists members with health, leader, last heartbeat, resources owned and drivers', async () => {
    const url = await serve(cluster);
    const r = await run('cluster', 'members', '--url', url, '--token', TOKEN);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(
      /^MEMBER\s+HEALTH\s+LEADER\s+LAST HEARTBEAT\s+RESOURCES\s+DRIVERS\s+URL$/,
    );
    expect(lines[1]).toMatch(
      /^a \*\s+alive\s+yes\s+2026-01-01T00:00:09.000Z\s+2: pool-1, pool-2\s+2 Running\s+http/,
    );
    expect(lines[2]).toMatch(/^b\s+stale\s+2026-01-01T00:00:01.000Z\s+-\s+1 Failed/);
    expect(r.out).toMatch(/b is stale: no heartbeat since 2026-01-01T00:00:01.000Z/);
    expect(r.out).toMatch(/a owns pool-2 as a fallback: no live member runs/);
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

describe('chassis drivers show in cluster mode', () => {
  it('adds the driver on every member: versions, states, failures, who may own', async () => {
    const url = await serve(cluster);
    const r = await run('drivers', 'show', SF, '--url', url, '--token', TOKEN);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    const head = lines.findIndex((l) => /^MEMBER\s+HEALTH\s+VERSION\s+STATE/.test(l));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toMatch(
      /^a \*\s+alive\s+1\.0\.0 \(active\)\s+Running\s+worker\s+yes\s+pool-1/,
    );
    expect(lines[head + 2]).toMatch(/^b\s+stale\s+1\.0\.0 \(active\)\s+Failed\s+worker\s+no\s+-/);
    expect(lines[head + 3]).toMatch(/^c\s+alive\s+-\s+not loaded\s+-\s+no\s+-/);
    expect(r.out).toMatch(/b 1\.0\.0 failed: CHASSIS_E_CERT_UNTRUSTED refused by this member/);
    const json = await run('drivers', 'show', SF, '--url', url, '--token', TOKEN, '--json');
    expect(JSON.parse(json.out).members.map((m: { memberId: string }) => m.memberId)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('a standalone server shows no member table', async () => {
    const url = await serve();
    const r = await run('drivers', 'show', SF, '--url', url, '--token', TOKEN);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/MAY OWN/);
    expect(
      JSON.parse((await run('drivers', 'show', SF, '--url', url, '--token', TOKEN, '--json')).out)
        .members,
    ).toBeUndefined();
  });
});
