import { it } from 'vitest';
import { compare, fmtMs, report } from '../../../bench/compare.js';
import {
  compareStrings,
  DEFAULT_CATEGORY_RANKS,
  type OrderNode,
  planOrder,
} from '../src/ordering/index.js';

const CATEGORIES = ['network', 'storage', 'hypervisor'];

/** A small seeded PRNG (mulberry32) so every run orders the same graph. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` drivers spread over the three categories; each requires up to three random earlier
 * drivers of its own category (a DAG), then the list is shuffled so neither side gets sorted input.
 */
function randomDrivers(count: number, seed: number): OrderNode[] {
  const random = prng(seed);
  const byCategory = new Map<string, OrderNode[]>(CATEGORIES.map((c) => [c, []]));
  const nodes: OrderNode[] = [];
  for (let i = 0; i < count; i++) {
    const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)];
    const earlier = byCategory.get(category) as OrderNode[];
    const deps = new Set<string>();
    const wanted = earlier.length === 0 ? 0 : Math.floor(random() * 4);
    for (let k = 0; k < wanted; k++) deps.add(earlier[Math.floor(random() * earlier.length)].id);
    const node: OrderNode = {
      id: `com.example.driver-${i.toString(36).padStart(3, '0')}`,
      version: `1.${i % 7}.0`,
      category,
      requires: [...deps].map((id) => ({ id, version: '^1.0.0' })),
    };
    earlier.push(node);
    nodes.push(node);
  }
  for (let i = nodes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [nodes[i], nodes[j]] = [nodes[j], nodes[i]];
  }
  return nodes;
}

it('ordering 1,000 drivers with random intra-category dependencies', async () => {
  const nodes = randomDrivers(1000, 0xc4a55);
  const plan = planOrder(nodes);
  if (plan.failed.length > 0 || plan.start.length !== nodes.length)
    throw new Error(`benchmark graph should order cleanly, ${plan.failed.length} drivers failed`);
  const edges = nodes.reduce((sum, x) => sum + (x.requires?.length ?? 0), 0);
  const result = await compare({
    title: `planOrder: 1,000 drivers, ${edges} requires edges, vs a plain sort by (rank, id)`,
    baseline: {
      name: 'Array.prototype.sort by (rank, id)',
      fn: () =>
        [...nodes].sort(
          (a, b) =>
            DEFAULT_CATEGORY_RANKS[a.category] - DEFAULT_CATEGORY_RANKS[b.category] ||
            compareStrings(a.id, b.id),
        ),
    },
    candidate: { name: 'planOrder', fn: () => planOrder(nodes) },
    target: '< 50 ms per plan of 1,000 drivers',
    meets: (r) => r.candidateMs < 50,
  });
  report('planOrder absolute time', [['1,000 drivers', fmtMs(result.candidateMs)]]);
}, 300_000);
