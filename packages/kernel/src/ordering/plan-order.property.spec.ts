import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planOrder } from './plan-order.js';
import { DEFAULT_CATEGORY_RANKS } from './ranks.js';
import type { OrderNode, OrderPlan } from './types.js';

const CATEGORIES = ['network', 'storage', 'hypervisor'] as const;

/** Up to 25 drivers with arbitrary requires (cycles, absent ids, other categories included). */
const anyGraph = fc
  .array(
    fc.record({
      category: fc.constantFrom(...CATEGORIES),
      requires: fc.uniqueArray(fc.integer({ min: 0, max: 29 }), { maxLength: 3 }),
    }),
    { maxLength: 25 },
  )
  .map((raw) =>
    raw.map(
      (r, i): OrderNode => ({
        id: `d${i}`,
        version: '1.0.0',
        category: r.category,
        requires: r.requires.map((t) => ({ id: `d${t}`, version: '^1.0.0' })),
      }),
    ),
  );

/** Drivers whose requires only point at earlier drivers of the same category: a valid DAG. */
const dag = fc
  .array(
    fc.record({
      category: fc.constantFrom(...CATEGORIES),
      picks: fc.uniqueArray(fc.nat(), { maxLength: 3 }),
    }),
    { maxLength: 25 },
  )
  .map((raw) => {
    const nodes: OrderNode[] = [];
    raw.forEach((r, i) => {
      const earlier = nodes.filter((x) => x.category === r.category);
      const picked = new Set(earlier.length ? r.picks.map((p) => earlier[p % earlier.length]) : []);
      nodes.push({
        id: `n${(i * 7919) % 1000}-${i}`,
        version: '1.0.0',
        category: r.category,
        requires: [...picked].map((x) => ({ id: x.id, version: '*' })),
      });
    });
    return nodes;
  });

const withShuffle = <T>(arb: fc.Arbitrary<T[]>) =>
  arb.chain((xs) =>
    fc.tuple(
      fc.constant(xs),
      fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }),
    ),
  );

const summary = (plan: OrderPlan) => ({
  start: plan.start.map((x) => x.id),
  failed: plan.failed.map((f) => [f.node.id, f.error.code, f.error.details]),
});

/** Brute force: does `id` reach itself through requires (all targets present)? */
function onCycle(nodes: readonly OrderNode[], id: string): boolean {
  const byId = new Map(nodes.map((x) => [x.id, x]));
  const seen = new Set<string>();
  const stack = (byId.get(id)?.requires ?? []).map((r) => r.id);
  while (stack.length) {
    const next = stack.pop() as string;
    if (next === id) return true;
    if (seen.has(next) || !byId.has(next)) continue;
    seen.add(next);
    for (const r of byId.get(next)?.requires ?? []) stack.push(r.id);
  }
  return false;
}

describe('planOrder properties', () => {
  it('gives the same plan for any input order', () => {
    fc.assert(
      fc.property(withShuffle(anyGraph), ([nodes, shuffled]) => {
        expect(summary(planOrder(shuffled))).toEqual(summary(planOrder(nodes)));
      }),
      { numRuns: 200 },
    );
  });

  it('starts every driver of a valid DAG, dependencies first, ranks ascending', () => {
    fc.assert(
      fc.property(withShuffle(dag), ([nodes, shuffled]) => {
        const plan = planOrder(shuffled);
        expect(plan.failed).toEqual([]);
        expect(plan.start).toHaveLength(nodes.length);
        const position = new Map(plan.start.map((x, i) => [x.id, i]));
        plan.start.forEach((x, i) => {
          for (const r of x.requires ?? []) expect(position.get(r.id)).toBeLessThan(i);
          if (i > 0)
            expect(DEFAULT_CATEGORY_RANKS[x.category]).toBeGreaterThanOrEqual(
              DEFAULT_CATEGORY_RANKS[plan.start[i - 1].category],
            );
        });
      }),
      { numRuns: 200 },
    );
  });

  it('keeps its guarantees on arbitrary graphs', () => {
    fc.assert(
      fc.property(anyGraph, (nodes) => {
        const plan = planOrder(nodes);
        expect(plan.stop).toEqual([...plan.start].reverse());
        const started = new Set(plan.start.map((x) => x.id));
        const failed = new Map(plan.failed.map((f) => [f.node.id, f.error]));
        expect(started.size + failed.size).toBe(nodes.length);
        // A started driver's requirements all started before it.
        plan.start.forEach((x, i) => {
          for (const r of x.requires ?? [])
            expect(plan.start.slice(0, i).map((y) => y.id)).toContain(r.id);
        });
        const byId = new Map(nodes.map((x) => [x.id, x]));
        const sameCategoryGraph = nodes.every((x) =>
          (x.requires ?? []).every((r) => byId.get(r.id)?.category === x.category),
        );
        for (const [id, error] of failed) {
          if (error.code === 'CHASSIS_E_ORDER_CYCLE') {
            // The path is a real cycle through the failing driver.
            const path = error.details.path as string[];
            expect(path[0]).toBe(id);
            expect(path.at(-1)).toBe(id);
            for (let i = 0; i + 1 < path.length; i++)
              expect(byId.get(path[i])?.requires?.map((r) => r.id)).toContain(path[i + 1]);
          }
          // With every dependency present and in-category, CYCLE marks exactly the cycles.
          if (sameCategoryGraph)
            expect(error.code === 'CHASSIS_E_ORDER_CYCLE').toBe(onCycle(nodes, id));
        }
        if (sameCategoryGraph) for (const id of started) expect(onCycle(nodes, id)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
