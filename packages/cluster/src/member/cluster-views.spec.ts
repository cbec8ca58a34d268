import type { MemberDriverState } from '@chassis/kernel';
import type { Member } from '@chassis/state-postgres';
import { describe, expect, it } from 'vitest';
import { clusterMemberInfos, driverMemberStates } from './cluster-views.js';

const D = 'com.example.sf';
const runs = (version: string, state: MemberDriverState['state'] = 'Running') => ({
  id: D,
  version,
  state,
  active: version === '1.0.0',
  tier: 'worker' as const,
});
const member = (id: string, alive: boolean, drivers?: MemberDriverState[]): Member => ({
  id,
  alive,
  startedAt: '2026-01-01T00:00:00.000Z',
  lastHeartbeat: '2026-01-01T00:00:05.000Z',
  meta: {
    url: `http://${id}`,
    ...(drivers ? { drivers, driversAt: '2026-01-01T00:00:04.000Z' } : {}),
  },
});
const lease = (resource: string, owner: string, live = true) => ({
  resource,
  owner,
  token: 1,
  expiresAt: '2026-01-01T00:00:10.000Z',
  live,
});
const bindings = new Map([
  ['p1', { driverId: D, version: '1.0.0' }],
  ['p2', { driverId: D, version: '2.0.0' }],
  ['n1', { driverId: 'org.other', version: '1.0.0' }],
]);

describe('clusterMemberInfos', () => {
  const infos = clusterMemberInfos({
    members: [
      member('b', true, [runs('1.0.0', 'Failed')]),
      member('a', true, [runs('1.0.0')]),
      member('c', false, [runs('2.0.0')]),
    ],
    leases: [lease('p1', 'a'), lease('p2', 'b'), lease('n1', 'b'), lease('x', 'c', false)],
    leader: 'b',
    selfId: 'a',
    selfDrivers: [runs('1.0.0'), runs('2.0.0', 'Starting')],
    bindings,
  });
  it('sorts members, takes self from its own states and the others from what they published', () => {
    expect(infos.map((m) => [m.memberId, m.self, m.leader, m.alive])).toEqual([
      ['a', true, false, true],
      ['b', false, true, true],
      ['c', false, false, false],
    ]);
    expect(infos[0]?.drivers.map((d) => d.state)).toEqual(['Running', 'Starting']);
    expect(infos[0]?.driversAt).toBeUndefined();
    expect(infos[1]?.drivers.map((d) => d.state)).toEqual(['Failed']);
    expect(infos[1]?.driversAt).toBe('2026-01-01T00:00:04.000Z');
  });
  it('lists live leases only, and marks those no live member serves as fallback', () => {
    // p2 is bound to 2.0.0: only stale C runs it, A is Starting it: fallback on B.
    // n1's driver is published by nobody; B publishes states, so n1 is a fallback too.
    expect(infos.map((m) => [m.memberId, m.resources, m.fallback])).toEqual([
      ['a', ['p1'], []],
      ['b', ['n1', 'p2'], ['n1', 'p2']],
      ['c', [], []],
    ]);
  });
  it('one driver on every member: versions, who may own it, what it owns', () => {
    expect(
      driverMemberStates(D, '1.0.0', infos, bindings).map((m) => [
        m.memberId,
        m.versions.map((v) => v.version),
        m.eligible,
        m.resources,
        m.fallback,
      ]),
    ).toEqual([
      ['a', ['1.0.0', '2.0.0'], true, ['p1'], []],
      ['b', ['1.0.0'], false, ['p2'], ['p2']],
      ['c', ['2.0.0'], false, [], []],
    ]);
  });
});
