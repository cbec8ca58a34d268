import type { ClusterMemberInfo } from '@chassis/runtime';
import { describe, expect, it } from 'vitest';
import { as, testServer } from '../server/test-server.js';

const member = (memberId: string, extra: Partial<ClusterMemberInfo> = {}): ClusterMemberInfo => ({
  memberId,
  url: `http://127.0.0.1:740${memberId.length}`,
  alive: true,
  leader: false,
  startedAt: '2026-01-01T00:00:00.000Z',
  lastHeartbeat: '2026-01-01T00:00:05.000Z',
  resources: [],
  self: false,
  ...extra,
});

describe('GET /api/cluster/members', () => {
  it('a standalone server answers mode "standalone" with no members (not 404)', async () => {
    const { server } = testServer({ metricsHistory: { intervalMs: 0 } });
    try {
      const res = await server.app.inject({ url: '/api/cluster/members', headers: as('viewer') });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ mode: 'standalone', members: [] });
      // A token is still needed.
      expect((await server.app.inject({ url: '/api/cluster/members' })).statusCode).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('a member lists every member with health, heartbeat, resources and the leader', async () => {
    const { server, runtime } = testServer({ metricsHistory: { intervalMs: 0 } });
    const members = [
      member('a', { leader: true, self: true, resources: ['pool-1'] }),
      member('b', { alive: false, resources: [] }),
    ];
    Object.assign(runtime, { cluster: { memberId: 'a', members: async () => members } });
    try {
      const res = await server.app.inject({ url: '/api/cluster/members', headers: as('viewer') });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ mode: 'cluster', memberId: 'a', members });
    } finally {
      await server.close();
    }
  });
});
