import { describe, expect, it } from 'vitest';
import { assignResources } from './assignment.js';

const resources = Array.from({ length: 60 }, (_, i) => `host-${i}`);
const moved = (a: Map<string, string>, b: Map<string, string>) =>
  [...a].filter(([r, m]) => b.get(r) !== m).map(([r]) => r);

describe('assignResources (rendezvous hashing)', () => {
  const cases: {
    name: string;
    before: string[];
    after: string[];
    /** Every moved resource must come from / go to these members. */
    check: (r: string, from: string, to: string) => boolean;
  }[] = [
    {
      name: 'a member joins',
      before: ['a', 'b'],
      after: ['a', 'b', 'c'],
      check: (_r, _f, to) => to === 'c',
    },
    {
      name: 'a member leaves',
      before: ['a', 'b', 'c'],
      after: ['a', 'c'],
      check: (_r, from) => from === 'b',
    },
    {
      name: 'order of members does not matter',
      before: ['c', 'a', 'b'],
      after: ['b', 'c', 'a'],
      check: () => false,
    },
    {
      name: 'one of one leaves, one joins',
      before: ['a'],
      after: ['z'],
      check: (_r, f, t) => f === 'a' && t === 'z',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: only the resources that must move do`, () => {
      const a = assignResources(resources, c.before);
      const b = assignResources(resources, c.after);
      for (const r of moved(a, b)) expect(c.check(r, a.get(r) ?? '', b.get(r) ?? '')).toBe(true);
    });
  }

  it('assigns every resource to exactly one live member and spreads them', () => {
    const plan = assignResources(resources, ['a', 'b', 'c']);
    expect(plan.size).toBe(resources.length);
    const counts = new Map<string, number>();
    for (const m of plan.values()) counts.set(m, (counts.get(m) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const n of counts.values()) expect(n).toBeGreaterThan(5);
  });

  it('a joining member takes some resources (positive control: something moves)', () => {
    const a = assignResources(resources, ['a', 'b']);
    const b = assignResources(resources, ['a', 'b', 'c']);
    expect(moved(a, b).length).toBeGreaterThan(0);
  });

  it('no live member: nothing assigned', () => {
    expect(assignResources(resources, []).size).toBe(0);
  });

  it('candidates restrict a resource to them; an empty answer means every live member', () => {
    const live = ['a', 'b', 'c'];
    const plan = assignResources(resources, live, (r) => (r.endsWith('1') ? ['b'] : []));
    const free = assignResources(resources, live);
    for (const r of resources) expect(plan.get(r)).toBe(r.endsWith('1') ? 'b' : free.get(r));
    // Positive control: some resource ending in 1 would have gone elsewhere without the rule.
    expect(resources.some((r) => r.endsWith('1') && free.get(r) !== 'b')).toBe(true);
  });
});
