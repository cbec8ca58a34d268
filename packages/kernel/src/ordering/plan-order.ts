import semver from 'semver';
import type { ChassisError } from '../errors/chassis-error.js';
import { cyclicComponents, shortestCycle } from './cycles.js';
import { MinHeap } from './min-heap.js';
import {
  crossCategoryError,
  cycleError,
  duplicateError,
  missingDepError,
  unknownCategoryError,
} from './order-errors.js';
import { compareStrings, resolveRanks } from './ranks.js';
import type { OrderFailure, OrderNode, OrderPlan, PlanOrderOptions } from './types.js';

/**
 * Plans the start and stop order of a set of drivers. Pure: the same set of nodes gives the
 * same plan whatever their input order.
 *
 * Start order is category rank (lower first), then dependency order within a category
 * (topological over `requires`), ties broken by id then version. `stop` is `start` reversed.
 * Drivers that cannot be ordered land in `failed` with one `CHASSIS_E_ORDER_*` error each:
 * `DUPLICATE` (same id twice: both fail), `UNKNOWN_CATEGORY`, `CROSS_CATEGORY` (a requires
 * naming a driver of another category), `CYCLE` (exactly the drivers on a cycle, with
 * `details.path`), and `MISSING_DEP` (dependency absent, no version in range, or itself failed;
 * transitive). Everything else still starts. Runs in O((V + E) log V).
 */
export function planOrder(nodes: readonly OrderNode[], options: PlanOrderOptions = {}): OrderPlan {
  const ranks = resolveRanks(options.ranks);
  const n = nodes.length;
  const errors: (ChassisError | undefined)[] = new Array(n).fill(undefined);

  // 1. Duplicate ids fail every occurrence; the rest are indexed by id.
  const byId = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byId.get(nodes[i].id);
    if (list) list.push(i);
    else byId.set(nodes[i].id, [i]);
  }
  for (const list of byId.values()) {
    if (list.length < 2) continue;
    const all = list.map((i) => nodes[i]).sort(compareNodes);
    for (const i of list) errors[i] = duplicateError(nodes[i], all);
  }

  // 2. Categories need a rank.
  for (let i = 0; i < n; i++) {
    if (errors[i] === undefined && !Object.hasOwn(ranks, nodes[i].category))
      errors[i] = unknownCategoryError(nodes[i], ranks);
  }

  // 3. Each requires entry: same category, present, in range. Edges point at dependencies.
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    if (errors[i] === undefined) errors[i] = resolveRequires(nodes, i, byId, adj[i]);
  }

  // 4. Cycles among the drivers still standing fail exactly their members.
  const live = adj.map((edges, i) =>
    errors[i] === undefined ? edges.filter((t) => errors[t] === undefined) : [],
  );
  for (const edges of live) edges.sort((a, b) => compareNodes(nodes[a], nodes[b]));
  for (const component of cyclicComponents(live)) {
    const members = new Set(component);
    const ids = component.map((i) => nodes[i].id).sort(compareStrings);
    for (const i of component) {
      const path = shortestCycle(live, i, members).map((j) => nodes[j].id);
      errors[i] = cycleError(nodes[i], path, ids);
    }
  }

  // 5. Whoever (transitively) requires a failed driver fails too.
  propagateFailures(nodes, adj, errors);

  // 6. Kahn's algorithm over the survivors, smallest (rank, category, id, version) first.
  const start = topologicalStart(nodes, adj, errors, ranks);
  const failed: OrderFailure[] = [];
  for (let i = 0; i < n; i++) {
    const error = errors[i];
    if (error !== undefined) failed.push({ node: nodes[i], error });
  }
  failed.sort((a, b) => compareNodes(a.node, b.node) || compareStrings(a.error.code, b.error.code));
  return { start, stop: [...start].reverse(), failed };
}

/** Orders by id, then version, then category (the last only matters for duplicate ids). */
function compareNodes(a: OrderNode, b: OrderNode): number {
  return (
    compareStrings(a.id, b.id) ||
    compareStrings(a.version, b.version) ||
    compareStrings(a.category, b.category)
  );
}

/** Checks node `i`'s requires; pushes dependency edges into `out`, returns the node's error. */
function resolveRequires(
  nodes: readonly OrderNode[],
  i: number,
  byId: ReadonlyMap<string, number[]>,
  out: number[],
): ChassisError | undefined {
  const node = nodes[i];
  const requires = node.requires ?? [];
  // A cross-category requires is a declaration error: report it before anything else.
  for (const req of requires) {
    const targets = byId.get(req.id);
    if (targets?.length === 1 && nodes[targets[0]].category !== node.category)
      return crossCategoryError(node, nodes[targets[0]]);
  }
  for (const req of requires) {
    const targets = byId.get(req.id);
    if (targets === undefined) return missingDepError(node, req.id, req.version, 'absent');
    const dep = nodes[targets[0]];
    if (targets.length > 1) {
      return missingDepError(node, req.id, req.version, 'failed', {
        version: dep.version,
        code: 'CHASSIS_E_ORDER_DUPLICATE',
      });
    }
    if (semver.validRange(req.version) === null)
      return missingDepError(node, req.id, req.version, 'invalid-range');
    if (!semver.satisfies(dep.version, req.version))
      return missingDepError(node, req.id, req.version, 'version', { version: dep.version });
    out.push(targets[0]);
  }
  return undefined;
}

/**
 * Fails every driver that reaches a failed driver through `requires`. The dependency named in
 * each error is the smallest failed direct dependency, so the message does not depend on
 * traversal (input) order.
 */
function propagateFailures(
  nodes: readonly OrderNode[],
  adj: readonly (readonly number[])[],
  errors: (ChassisError | undefined)[],
): void {
  const n = nodes.length;
  const dependents: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) for (const t of adj[i]) dependents[t].push(i);
  const failed = new Uint8Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) {
    if (errors[i] !== undefined) {
      failed[i] = 1;
      queue.push(i);
    }
  }
  const reached: number[] = [];
  for (let head = 0; head < queue.length; head++) {
    for (const d of dependents[queue[head]]) {
      if (failed[d]) continue;
      failed[d] = 1;
      queue.push(d);
      reached.push(d);
    }
  }
  for (const i of reached) {
    let culprit = -1;
    for (const t of adj[i]) {
      if (failed[t] && (culprit === -1 || compareNodes(nodes[t], nodes[culprit]) < 0)) culprit = t;
    }
    const dep = nodes[culprit];
    const range = nodes[i].requires?.find((r) => r.id === dep.id)?.version ?? '*';
    // Direct failures are set before this loop; a reached driver's culprit may itself be
    // reached, so its code is MISSING_DEP by construction.
    errors[i] = missingDepError(nodes[i], dep.id, range, 'failed', {
      version: dep.version,
      code: errors[culprit]?.code ?? 'CHASSIS_E_ORDER_MISSING_DEP',
    });
  }
}

/** Kahn's algorithm over the drivers without an error; dependencies come first. */
function topologicalStart(
  nodes: readonly OrderNode[],
  adj: readonly (readonly number[])[],
  errors: readonly (ChassisError | undefined)[],
  ranks: Readonly<Record<string, number>>,
): OrderNode[] {
  const n = nodes.length;
  const waiting = new Int32Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  const heap = new MinHeap<number>((a, b) => {
    const x = nodes[a];
    const y = nodes[b];
    const byRank = ranks[x.category] - ranks[y.category];
    if (byRank !== 0) return byRank < 0;
    return (compareStrings(x.category, y.category) || compareNodes(x, y)) < 0;
  });
  for (let i = 0; i < n; i++) {
    if (errors[i] !== undefined) continue;
    waiting[i] = adj[i].length;
    for (const t of adj[i]) dependents[t].push(i);
    if (waiting[i] === 0) heap.push(i);
  }
  const start: OrderNode[] = [];
  for (let i = heap.pop(); i !== undefined; i = heap.pop()) {
    start.push(nodes[i]);
    for (const d of dependents[i]) if (--waiting[d] === 0) heap.push(d);
  }
  return start;
}
