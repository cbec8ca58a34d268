/**
 * `@chassis/cluster`: several management servers on one PostgreSQL (issue 17).
 * - `member/`: composes a management server as a cluster member (shared state, shared kept
 *   CARs, membership, installed-set convergence, resource ownership).
 * - `forward/`: the authenticated inter-server channel that forwards a facade call to the owner.
 * - `rollout/`: the leader's cluster-wide rollout (policies counted across the cluster).
 */

export * from './forward/index.js';
export * from './member/index.js';
export * from './rollout/index.js';
export * from './types.js';
