/** The cluster member composition: a management server on the shared PostgreSQL state. */
export * from './channel.js';
export * from './cluster-upgrade.js';
export * from './cluster-views.js';
export * from './driver-publisher.js';
export * from './driver-states.js';
export * from './eligibility.js';
export * from './fenced-store.js';
export * from './installed-set.js';
export * from './member.js';
export * from './member-views.js';
export * from './owner-directory.js';
export * from './placement-eligibility.js';
export * from './reconciler.js';
export * from './remote-handle.js';
export * from './request-desk.js';
export * from './rollout-requests.js';
