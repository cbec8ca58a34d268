import type { RolloutPolicy } from '@chassis/runtime';
import { describe, expect, it } from 'vitest';
import { clusterOrder, planClusterRollout } from './cluster-plan.js';
import type { OwnedResource } from './types.js';

/** Three members, two resources each (ids deliberately not in member order). */
const RES: OwnedResource[] = [
  { id: 'r-a2', owner: 'a' },
  { id: 'r-a1', owner: 'a' },
  { id: 'r-b1', owner: 'b' },
  { id: 'r-b2', owner: 'b' },
  { id: 'r-c1', owner: 'c' },
  { id: 'r-c2', owner: 'c' },
];

const plan = (policy: RolloutPolicy, resources = RES, members?: string[]) =>
  planClusterRollout({
    driverId: 'com.example.sf',
    resources,
    policy,
    from: '1.0.0',
    to: '2.0.0',
    ...(members ? { members } : {}),
  });

/** Each step as "member:resource" lists. */
const shape = (p: ReturnType<typeof plan>) =>
  p.steps.map((s) => s.moves.map((m) => `${m.member}:${m.resource}`));

describe('planClusterRollout: policies count across the cluster', () => {
  it.each<{ name: string; policy: RolloutPolicy; steps: string[][] }>([
    {
      name: 'one-at-a-time: one resource in the whole cluster per step, round robin over members',
      policy: { kind: 'one-at-a-time' },
      steps: [['a:r-a1'], ['b:r-b1'], ['c:r-c1'], ['a:r-a2'], ['b:r-b2'], ['c:r-c2']],
    },
    {
      name: 'canary 2: two resources cluster-wide (on two members), then the rest',
      policy: { kind: 'canary', canaries: 2 },
      steps: [
        ['a:r-a1', 'b:r-b1'],
        ['c:r-c1', 'a:r-a2', 'b:r-b2', 'c:r-c2'],
      ],
    },
    {
      name: 'canary larger than the cluster: one step',
      policy: { kind: 'canary', canaries: 10 },
      steps: [['a:r-a1', 'b:r-b1', 'c:r-c1', 'a:r-a2', 'b:r-b2', 'c:r-c2']],
    },
    {
      name: 'all-at-once: one step on every member',
      policy: { kind: 'all-at-once' },
      steps: [['a:r-a1', 'b:r-b1', 'c:r-c1', 'a:r-a2', 'b:r-b2', 'c:r-c2']],
    },
  ])('$name', ({ policy, steps }) => {
    const p = plan(policy);
    expect(shape(p)).toEqual(steps);
    expect(p.steps.every((s) => s.healthCheck)).toBe(true);
    expect(p.steps.map((s) => s.index)).toEqual(steps.map((_, i) => i));
    expect(p.members).toEqual(['a', 'b', 'c']);
  });

  it('groups each step by member, members and resources sorted', () => {
    const p = plan({ kind: 'canary', canaries: 2 });
    expect(p.steps[1]?.batches).toEqual([
      { member: 'a', resources: ['r-a2'] },
      { member: 'b', resources: ['r-b2'] },
      { member: 'c', resources: ['r-c1', 'r-c2'] },
    ]);
  });

  it('no resources: no step, every member still commits', () => {
    for (const policy of [{ kind: 'one-at-a-time' }, { kind: 'all-at-once' }] as const) {
      const p = plan(policy, [], ['b', 'a']);
      expect(p.steps).toEqual([]);
      expect(p.members).toEqual(['a', 'b']);
    }
  });

  it('members without resources commit too; owners are always members', () => {
    expect(plan({ kind: 'all-at-once' }, RES.slice(0, 2), ['z']).members).toEqual(['a', 'z']);
  });

  it.each<{
    name: string;
    policy: unknown;
    resources?: OwnedResource[];
    to?: string;
    code: string;
  }>([
    {
      name: 'a canary of 0',
      policy: { kind: 'canary', canaries: 0 },
      code: 'CHASSIS_E_UPGRADE_POLICY_INVALID',
    },
    {
      name: 'an unknown policy',
      policy: { kind: 'blue-green' },
      code: 'CHASSIS_E_UPGRADE_POLICY_INVALID',
    },
    {
      name: 'a resource listed twice',
      policy: { kind: 'all-at-once' },
      resources: [...RES, { id: 'r-a1', owner: 'b' }],
      code: 'CHASSIS_E_UPGRADE_POLICY_INVALID',
    },
    {
      name: 'from = to',
      policy: { kind: 'all-at-once' },
      to: '1.0.0',
      code: 'CHASSIS_E_UPGRADE_SAME_VERSION',
    },
  ])('refuses $name', ({ policy, resources, to, code }) => {
    expect(() =>
      planClusterRollout({
        driverId: 'd',
        resources: resources ?? RES,
        policy: policy as RolloutPolicy,
        from: '1.0.0',
        to: to ?? '2.0.0',
      }),
    ).toThrow(expect.objectContaining({ code }));
  });

  it('clusterOrder interleaves uneven members', () => {
    const order = clusterOrder([
      { id: 'x3', owner: 'a' },
      { id: 'x1', owner: 'a' },
      { id: 'x2', owner: 'a' },
      { id: 'y1', owner: 'b' },
    ]).map((r) => r.id);
    expect(order).toEqual(['x1', 'y1', 'x2', 'x3']);
  });
});
