import { driverKey } from '../descriptor/driver-descriptor.js';
import { resolveRanks } from './ranks.js';
import type { OrderNode } from './types.js';

/**
 * One category rank of a start plan: the drivers that may start once every lower rank is done,
 * and, for each, the positions (in `nodes`) of the dependencies it waits for.
 */
export interface RankGroup {
  readonly rank: number;
  /** The rank's drivers in plan order (dependencies before dependents). */
  readonly nodes: readonly OrderNode[];
  /** `after[i]`: indices into `nodes` of the drivers `nodes[i]` requires (always `< i`). */
  readonly after: readonly (readonly number[])[];
}

/**
 * Splits a plan's start order (`planOrder(...).start`) into category ranks for a parallel start,
 * like Backstage's parallel topological traversal: ranks run one after the other, and inside a
 * rank every driver may start as soon as the drivers it requires are up, so independent drivers
 * start together. Pure; `start` must already be in plan order (a `requires` naming a driver that
 * is not earlier in the same rank is ignored, because the plan has already failed it).
 */
export function groupByRank(
  start: readonly OrderNode[],
  ranks?: Readonly<Record<string, number>>,
): RankGroup[] {
  const table = resolveRanks(ranks);
  const groups: { rank: number; nodes: OrderNode[]; after: number[][]; at: Map<string, number> }[] =
    [];
  for (const node of start) {
    const rank = table[node.category] ?? Number.POSITIVE_INFINITY;
    let group = groups.at(-1);
    if (!group || group.rank !== rank) {
      group = { rank, nodes: [], after: [], at: new Map() };
      groups.push(group);
    }
    const after: number[] = [];
    for (const req of node.requires ?? []) {
      const j = group.at.get(req.id);
      if (j !== undefined && !after.includes(j)) after.push(j);
    }
    group.at.set(node.id, group.nodes.length);
    group.nodes.push(node);
    group.after.push(after.sort((a, b) => a - b));
  }
  return groups.map(({ rank, nodes, after }) => ({ rank, nodes, after }));
}

/**
 * The stop order: the exact reverse of the order the drivers actually finished starting
 * (`startedAt` gives each driver's position in that order, e.g.
 * `LifecycleManager.startOrder`), so a parallel start still stops dependents before their
 * dependencies. Drivers with no recorded start keep their `fallback` order (normally
 * `planOrder(...).stop`) after the others. Pure.
 */
export function reverseStartOrder<T extends OrderNode>(
  fallback: readonly T[],
  startedAt: (node: T) => number | undefined,
): T[] {
  const seen = new Set<string>();
  const started: { node: T; at: number }[] = [];
  const rest: T[] = [];
  for (const node of fallback) {
    const key = driverKey(node);
    if (seen.has(key)) continue;
    seen.add(key);
    const at = startedAt(node);
    if (at === undefined) rest.push(node);
    else started.push({ node, at });
  }
  started.sort((a, b) => b.at - a.at);
  return [...started.map((s) => s.node), ...rest];
}
