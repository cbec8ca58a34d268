/** The cluster member composition: a management server on the shared PostgreSQL state. */
export * from './channel.js';
export * from './cluster-upgrade.js';
export * from './fenced-store.js';
export * from './member.js';
export * from './member-views.js';
export * from './owner-directory.js';
export * from './reconciler.js';
export * from './remote-handle.js';
export * from './request-desk.js';
export * from './rollout-pruner.js';
export * from './rollout-requests.js';
export * from './rollout-status.js';
