import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../errors/registry.js';
import { planOrder } from './plan-order.js';
import { DEFAULT_CATEGORY_RANKS } from './ranks.js';
import type { OrderNode, OrderPlan } from './types.js';

/** `node('a', 'storage', 'b', 'c@^2.0.0')`: requires without a range mean any version. */
function node(id: string, category: string, ...requires: string[]): OrderNode {
  const [bare, version = '1.0.0'] = id.split('@');
  return {
    id: bare,
    version,
    category,
    requires: requires.map((r) => {
      const [dep, range = '*'] = r.split('@');
      return { id: dep, version: range };
    }),
  };
}

const ids = (list: readonly OrderNode[]) => list.map((x) => x.id);
const failures = (plan: OrderPlan) =>
  Object.fromEntries(plan.failed.map((f) => [f.node.id, f.error.code]));

interface Row {
  readonly name: string;
  readonly nodes: readonly OrderNode[];
  readonly ranks?: Record<string, number>;
  readonly start: readonly string[];
  readonly failed?: Record<string, ErrorCode>;
}

const rows: Row[] = [
  { name: 'empty input', nodes: [], start: [] },
  {
    name: 'category rank first: network, storage, hypervisor',
    nodes: [node('h', 'hypervisor'), node('s', 'storage'), node('n', 'network')],
    start: ['n', 's', 'h'],
  },
  {
    name: 'ties within a category by id',
    nodes: [node('c', 'storage'), node('a', 'storage'), node('b', 'storage')],
    start: ['a', 'b', 'c'],
  },
  {
    name: 'dependencies before dependents, even against id order',
    nodes: [node('a', 'storage', 'b'), node('b', 'storage', 'c'), node('c', 'storage')],
    start: ['c', 'b', 'a'],
  },
  {
    name: 'diamond, ready ties by id',
    nodes: [
      node('a', 'network', 'b', 'c'),
      node('c', 'network', 'd'),
      node('b', 'network', 'd'),
      node('d', 'network'),
    ],
    start: ['d', 'b', 'c', 'a'],
  },
  {
    name: 'ranks beat dependency depth across categories',
    nodes: [node('z', 'network', 'y'), node('y', 'network'), node('a', 'storage')],
    start: ['y', 'z', 'a'],
  },
  {
    name: 'registered categories take their rank',
    nodes: [
      node('b', 'backup'),
      node('h', 'hypervisor'),
      node('o', 'object'),
      node('n', 'network'),
    ],
    ranks: { backup: 5, object: 0.5 },
    start: ['n', 'o', 'h', 'b'],
  },
  {
    name: 'categories sharing a rank stay grouped, by category name',
    nodes: [node('a', 'storage'), node('b', 'object'), node('c', 'storage'), node('d', 'object')],
    ranks: { object: 1 },
    start: ['b', 'd', 'a', 'c'],
  },
  {
    name: 'satisfied semver range',
    nodes: [node('a', 'storage', 'b@^1.2.0'), node('b@1.4.2', 'storage')],
    start: ['b', 'a'],
  },
  {
    name: 'cross-category requires fails the requiring driver only',
    nodes: [node('a', 'storage', 'n'), node('n', 'network'), node('b', 'storage')],
    start: ['n', 'b'],
    failed: { a: 'CHASSIS_E_ORDER_CROSS_CATEGORY' },
  },
  {
    name: 'cycle fails its members; dependents fail transitively; the rest start',
    nodes: [
      node('a', 'storage', 'b'),
      node('b', 'storage', 'c'),
      node('c', 'storage', 'a'),
      node('e', 'storage', 'a'),
      node('f', 'storage', 'e'),
      node('d', 'storage'),
      node('n', 'network'),
    ],
    start: ['n', 'd'],
    failed: {
      a: 'CHASSIS_E_ORDER_CYCLE',
      b: 'CHASSIS_E_ORDER_CYCLE',
      c: 'CHASSIS_E_ORDER_CYCLE',
      e: 'CHASSIS_E_ORDER_MISSING_DEP',
      f: 'CHASSIS_E_ORDER_MISSING_DEP',
    },
  },
  {
    name: 'a cycle member does not drag its own dependencies down',
    nodes: [node('a', 'storage', 'b', 'x'), node('b', 'storage', 'a'), node('x', 'storage')],
    start: ['x'],
    failed: { a: 'CHASSIS_E_ORDER_CYCLE', b: 'CHASSIS_E_ORDER_CYCLE' },
  },
  {
    name: 'self requirement is a cycle',
    nodes: [node('a', 'network', 'a'), node('b', 'network')],
    start: ['b'],
    failed: { a: 'CHASSIS_E_ORDER_CYCLE' },
  },
  {
    name: 'absent dependency fails its dependents transitively',
    nodes: [
      node('a', 'hypervisor', 'x'),
      node('b', 'hypervisor', 'a'),
      node('c', 'hypervisor', 'b'),
      node('d', 'hypervisor'),
    ],
    start: ['d'],
    failed: {
      a: 'CHASSIS_E_ORDER_MISSING_DEP',
      b: 'CHASSIS_E_ORDER_MISSING_DEP',
      c: 'CHASSIS_E_ORDER_MISSING_DEP',
    },
  },
  {
    name: 'no version in range is a missing dependency',
    nodes: [node('a', 'storage', 'b@^2.0.0'), node('b@1.9.0', 'storage')],
    start: ['b'],
    failed: { a: 'CHASSIS_E_ORDER_MISSING_DEP' },
  },
  {
    name: 'an invalid range is a missing dependency',
    nodes: [node('a', 'storage', 'b@not-a-range'), node('b', 'storage')],
    start: ['b'],
    failed: { a: 'CHASSIS_E_ORDER_MISSING_DEP' },
  },
  {
    name: 'unknown category fails the driver; a known-category dependent is cross-category',
    nodes: [node('w', 'weird'), node('a', 'storage', 'w'), node('b', 'storage')],
    start: ['b'],
    failed: { w: 'CHASSIS_E_ORDER_UNKNOWN_CATEGORY', a: 'CHASSIS_E_ORDER_CROSS_CATEGORY' },
  },
  {
    name: 'duplicate ids fail both; dependents fail as missing',
    nodes: [
      node('a@1.0.0', 'storage'),
      node('a@2.0.0', 'storage'),
      node('b', 'storage', 'a'),
      node('c', 'storage'),
    ],
    start: ['c'],
    failed: {
      a: 'CHASSIS_E_ORDER_DUPLICATE',
      b: 'CHASSIS_E_ORDER_MISSING_DEP',
    },
  },
  {
    name: 'dependent of a cross-category failure fails as missing',
    nodes: [node('a', 'storage', 'n'), node('b', 'storage', 'a'), node('n', 'network')],
    start: ['n'],
    failed: { a: 'CHASSIS_E_ORDER_CROSS_CATEGORY', b: 'CHASSIS_E_ORDER_MISSING_DEP' },
  },
];

describe('planOrder', () => {
  it.each(rows)('$name', ({ nodes, ranks, start, failed = {} }) => {
    const plan = planOrder(nodes, { ranks });
    expect(ids(plan.start)).toEqual(start);
    expect(ids(plan.stop)).toEqual([...start].reverse());
    expect(failures(plan)).toEqual(failed);
    // Every input node is either started or failed, never both, never lost.
    expect(plan.start.length + plan.failed.length).toBe(nodes.length);
  });

  it('returns the input node objects, and the defaults rank the three built-in categories', () => {
    const a = node('a', 'storage');
    expect(planOrder([a]).start[0]).toBe(a);
    expect(DEFAULT_CATEGORY_RANKS).toEqual({ network: 0, storage: 1, hypervisor: 2 });
  });

  it('reports the cycle path starting and ending at each member', () => {
    const plan = planOrder([
      node('a', 'storage', 'b'),
      node('b', 'storage', 'c'),
      node('c', 'storage', 'a'),
    ]);
    const paths = Object.fromEntries(plan.failed.map((f) => [f.node.id, f.error.details.path]));
    expect(paths).toEqual({
      a: ['a', 'b', 'c', 'a'],
      b: ['b', 'c', 'a', 'b'],
      c: ['c', 'a', 'b', 'c'],
    });
    expect(plan.failed[0].error.details.members).toEqual(['a', 'b', 'c']);
    expect(planOrder([node('s', 'network', 's')]).failed[0].error.details.path).toEqual(['s', 's']);
  });

  it('names both drivers of a cross-category requires', () => {
    const [f] = planOrder([node('a', 'storage', 'n'), node('n', 'network')]).failed;
    expect(f.error.details).toMatchObject({
      driver: 'a',
      category: 'storage',
      dependency: 'n',
      dependencyCategory: 'network',
    });
    expect(f.error.message).toContain('"a@1.0.0"');
    expect(f.error.message).toContain('"n@1.0.0"');
  });

  it('says why a dependency is missing', () => {
    const plan = planOrder([
      node('a', 'storage', 'x'),
      node('b', 'storage', 'c@^2.0.0'),
      node('c', 'storage'),
      node('d', 'storage', 'a'),
    ]);
    const reasons = Object.fromEntries(plan.failed.map((f) => [f.node.id, f.error.details]));
    expect(reasons.a).toMatchObject({ dependency: 'x', reason: 'absent' });
    expect(reasons.b).toMatchObject({
      dependency: 'c',
      reason: 'version',
      dependencyVersion: '1.0.0',
    });
    expect(reasons.d).toMatchObject({
      dependency: 'a',
      reason: 'failed',
      dependencyCode: 'CHASSIS_E_ORDER_MISSING_DEP',
    });
  });

  it('fails both occurrences of a duplicate id, sorted by version', () => {
    const plan = planOrder([node('a@2.0.0', 'storage'), node('a@1.0.0', 'storage')]);
    expect(plan.failed.map((f) => [f.node.version, f.error.code])).toEqual([
      ['1.0.0', 'CHASSIS_E_ORDER_DUPLICATE'],
      ['2.0.0', 'CHASSIS_E_ORDER_DUPLICATE'],
    ]);
    expect(plan.failed[0].error.details.occurrences).toEqual(['a@1.0.0', 'a@2.0.0']);
  });

  it('orders a 1,000-deep chain without exhausting the stack', () => {
    const chain = Array.from({ length: 1000 }, (_, i) =>
      node(
        `d${String(i).padStart(4, '0')}`,
        'storage',
        ...(i > 0 ? [`d${String(i - 1).padStart(4, '0')}`] : []),
      ),
    );
    const cyclic = [...chain.slice(1), node('d0000', 'storage', 'd0999')];
    expect(ids(planOrder([...chain].reverse()).start)).toEqual(ids(chain));
    expect(planOrder(cyclic).failed.every((f) => f.error.code === 'CHASSIS_E_ORDER_CYCLE')).toBe(
      true,
    );
  });
});
