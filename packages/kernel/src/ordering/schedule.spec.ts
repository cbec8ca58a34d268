import { describe, expect, it } from 'vitest';
import { planOrder } from './plan-order.js';
import { groupByRank, reverseStartOrder } from './schedule.js';
import type { OrderNode } from './types.js';

const node = (id: string, category: string, requires: string[] = []): OrderNode => ({
  id,
  version: '1.0.0',
  category,
  requires: requires.map((r) => ({ id: r, version: '^1.0.0' })),
});

/** Renders groups as `rank: id<-dep,dep id ...` for compact expectations. */
function render(nodes: OrderNode[], ranks?: Record<string, number>): string[] {
  return groupByRank(planOrder(nodes, ranks ? { ranks } : {}).start, ranks).map(
    (g) =>
      `${g.rank}: ${g.nodes
        .map((n, i) =>
          g.after[i].length ? `${n.id}<-${g.after[i].map((j) => g.nodes[j].id).join(',')}` : n.id,
        )
        .join(' ')}`,
  );
}

describe('groupByRank', () => {
  it.each<[string, OrderNode[], string[], Record<string, number>?]>([
    ['empty', [], []],
    [
      'independent drivers of one category share one group, nothing to wait for',
      [node('b', 'storage'), node('a', 'storage'), node('c', 'storage')],
      ['1: a b c'],
    ],
    [
      'categories in rank order, one group each',
      [node('kvm', 'hypervisor'), node('sf', 'storage'), node('nvp', 'network')],
      ['0: nvp', '1: sf', '2: kvm'],
    ],
    [
      'a dependent waits only for what it requires',
      [node('dep', 'storage', ['base']), node('base', 'storage'), node('other', 'storage')],
      ['1: base dep<-base other'],
    ],
    [
      'a diamond: the join waits for both branches, the branches for the root',
      [
        node('join', 'storage', ['left', 'right']),
        node('left', 'storage', ['root']),
        node('right', 'storage', ['root']),
        node('root', 'storage'),
      ],
      ['1: root left<-root right<-root join<-left,right'],
    ],
    [
      'categories of equal rank run together',
      [node('x', 'extra'), node('nvp', 'network')],
      ['0: x nvp'],
      { extra: 0 },
    ],
  ])('%s', (_name, nodes, expected, ranks) => {
    expect(render(nodes, ranks)).toEqual(expected);
  });

  it('every dependency index points earlier in the same group', () => {
    const nodes = Array.from({ length: 30 }, (_, i) =>
      node(
        `d${String(i).padStart(2, '0')}`,
        'storage',
        i > 0 ? [`d${String(Math.floor(i / 2)).padStart(2, '0')}`] : [],
      ),
    );
    for (const g of groupByRank(planOrder(nodes).start)) {
      g.after.forEach((deps, i) => {
        for (const j of deps) expect(j).toBeLessThan(i);
      });
    }
  });
});

describe('reverseStartOrder', () => {
  const a = node('a', 'storage');
  const b = node('b', 'storage');
  const c = node('c', 'storage');
  it.each<[string, OrderNode[], Record<string, number>, string[]]>([
    ['no starts recorded: fallback order', [c, b, a], {}, ['c', 'b', 'a']],
    [
      'reverse of the actual completion order, not of the plan',
      [c, b, a],
      { a: 3, b: 1, c: 2 },
      ['a', 'c', 'b'],
    ],
    ['unrecorded drivers follow, in fallback order', [c, b, a], { a: 5 }, ['a', 'c', 'b']],
    ['a duplicate key appears once', [a, a, b], { a: 1, b: 2 }, ['b', 'a']],
  ])('%s', (_name, fallback, at, expected) => {
    expect(reverseStartOrder(fallback, (n) => at[n.id]).map((n) => n.id)).toEqual(expected);
  });
});
