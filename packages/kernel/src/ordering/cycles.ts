/**
 * Graph helpers for the ordering plan. Nodes are indices `0..n-1`; `adj[v]` lists the nodes `v`
 * requires. Both functions are iterative so a 1,000-deep chain cannot overflow the stack.
 */

/**
 * The strongly connected components that contain a cycle (more than one node, or a node that
 * requires itself), found with Tarjan's algorithm in O(V + E). Every node of such a component
 * lies on some cycle; nodes that merely depend on a cycle are not included.
 */
export function cyclicComponents(adj: readonly (readonly number[])[]): number[][] {
  const n = adj.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const edgePos = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const result: number[][] = [];
  let counter = 0;

  const enter = (v: number, work: number[]) => {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = 1;
    work.push(v);
  };

  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue;
    const work: number[] = [];
    enter(s, work);
    while (work.length > 0) {
      const v = work[work.length - 1];
      const edges = adj[v];
      if (edgePos[v] < edges.length) {
        const w = edges[edgePos[v]++];
        if (index[w] === -1) enter(w, work);
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const u = work[work.length - 1];
        low[u] = Math.min(low[u], low[v]);
      }
      if (low[v] !== index[v]) continue;
      const component: number[] = [];
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = 0;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges.includes(v)) result.push(component);
    }
  }
  return result;
}

/**
 * The shortest cycle through `start` that stays inside `members` (breadth-first, neighbours
 * in adjacency order, so the answer is deterministic when `adj` is sorted). Returned as
 * `[start, ..., start]`; `start` must lie on a cycle within `members`.
 */
export function shortestCycle(
  adj: readonly (readonly number[])[],
  start: number,
  members: ReadonlySet<number>,
): number[] {
  const parent = new Map<number, number>();
  const queue: number[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const w of adj[v]) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = parent.get(u) as number) path.push(u);
        path.push(start);
        // Collected backwards from the closing edge; the first and last entries are both start.
        return [start, ...path.slice(1, -1).reverse(), start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
