import {
  ClusterOverviewSchema,
  DriverMembersSchema,
  ResourceDetailSchema,
  ResourceInfoSchema,
} from '@chassis/kernel/summaries';
import type { ClusterMemberInfo, DriverMemberState } from '@chassis/runtime';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { as, testServer } from '../server/test-server.js';
import { fakeFailedState as failed, fakeRunningState as running } from '../testing/fake-cluster.js';

// TypeBox checks only registered formats; the schemas use `date-time`.
FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)));
const problems = (schema: TSchema, value: unknown) =>
  [...Value.Errors(schema, value)].map((e) => `${e.path}: ${e.message}`);

const member = (memberId: string, extra: Partial<ClusterMemberInfo> = {}): ClusterMemberInfo => ({
  memberId,
  url: `http://127.0.0.1:740${memberId.length}`,
  alive: true,
  leader: false,
  startedAt: '2026-01-01T00:00:00.000Z',
  lastHeartbeat: '2026-01-01T00:00:05.000Z',
  resources: [],
  fallback: [],
  self: false,
  drivers: [],
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

  it('a member lists every member with health, heartbeat, resources, leader and driver states', async () => {
    const { server, runtime } = testServer({ metricsHistory: { intervalMs: 0 } });
    const members = [
      member('a', { leader: true, self: true, resources: ['pool-1'], drivers: [running] }),
      member('b', {
        alive: false,
        drivers: [failed],
        driversAt: '2026-01-01T00:00:04.000Z',
      }),
    ];
    const perDriver: DriverMemberState[] = [
      {
        memberId: 'a',
        alive: true,
        self: true,
        lastHeartbeat: members[0]!.lastHeartbeat,
        versions: [running],
        eligible: true,
        resources: ['pool-1'],
        fallback: [],
      },
    ];
    Object.assign(runtime, {
      cluster: {
        memberId: 'a',
        members: async () => members,
        driverMembers: async (id: string) => (id === running.id ? perDriver : []),
      },
    });
    try {
      const res = await server.app.inject({ url: '/api/cluster/members', headers: as('viewer') });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ mode: 'cluster', memberId: 'a', members });
      expect(problems(ClusterOverviewSchema, res.json())).toEqual([]);
      const one = await server.app.inject({
        url: `/api/drivers/${running.id}/members`,
        headers: as('viewer'),
      });
      expect(one.statusCode).toBe(200);
      expect(one.json()).toEqual({ mode: 'cluster', driverId: running.id, members: perDriver });
      expect(problems(DriverMembersSchema, one.json())).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('GET /api/drivers/:id/members', () => {
  it('standalone: no members for an installed driver, 404 for an unknown one', async () => {
    const { server } = testServer({ metricsHistory: { intervalMs: 0 } });
    try {
      const res = await server.app.inject({
        url: '/api/drivers/com.example.solidfire/members',
        headers: as('viewer'),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        mode: 'standalone',
        driverId: 'com.example.solidfire',
        members: [],
      });
      expect(problems(DriverMembersSchema, res.json())).toEqual([]);
      const unknown = await server.app.inject({
        url: '/api/drivers/org.example.nope/members',
        headers: as('viewer'),
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('CHASSIS_E_UPGRADE_NOT_INSTALLED');
    } finally {
      await server.close();
    }
  });
});

describe('resources in cluster mode: their owner', () => {
  it('list and detail name the owner and a fallback ownership; standalone and stale owners show none', async () => {
    const { server, runtime } = testServer({ metricsHistory: { intervalMs: 0 } });
    try {
      const plain = await server.app.inject({ url: '/api/resources', headers: as('viewer') });
      expect(plain.json().some((r: { owner?: unknown }) => 'owner' in r)).toBe(false);
      const members = [
        member('a', { self: true, resources: ['pool-1'] }),
        member('b', { resources: ['pool-2'], fallback: ['pool-2'] }),
        // A stale member's leases are not ownership.
        member('c', { alive: false, resources: ['pool-1'] }),
      ];
      Object.assign(runtime, {
        cluster: { memberId: 'a', members: async () => members, driverMembers: async () => [] },
      });
      const list = await server.app.inject({ url: '/api/resources', headers: as('viewer') });
      expect(list.statusCode).toBe(200);
      const rows = list.json() as { resource: { id: string }; owner?: unknown }[];
      expect(new Map(rows.map((r) => [r.resource.id, r.owner]))).toEqual(
        new Map([
          ['pool-1', { memberId: 'a', fallback: false }],
          ['pool-2', { memberId: 'b', fallback: true }],
          // No live owner (a takeover in progress): none shown.
          ['net-1', undefined],
        ]),
      );
      for (const r of rows) expect(problems(ResourceInfoSchema, r)).toEqual([]);
      const one = await server.app.inject({ url: '/api/resources/pool-2', headers: as('viewer') });
      expect(one.json().owner).toEqual({ memberId: 'b', fallback: true });
      expect(problems(ResourceDetailSchema, one.json())).toEqual([]);
      // The members view unreadable (database away): the resources still answer, without owner.
      Object.assign(runtime, {
        cluster: {
          memberId: 'a',
          members: async () => {
            throw new Error('connection refused');
          },
          driverMembers: async () => [],
        },
      });
      const away = await server.app.inject({ url: '/api/resources/pool-1', headers: as('viewer') });
      expect(away.statusCode).toBe(200);
      expect(away.json().owner).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
