/** The leader's cluster-wide rollout (issue 17): plan, record, coordinator, member worker. */

export * from './adoption.js';
export * from './change-hub.js';
export * from './cluster-plan.js';
export * from './cluster-recovery.js';
export * from './coordinator.js';
export * from './fenced-record.js';
export * from './keys.js';
export * from './phase-requests.js';
export * from './record-updates.js';
export * from './retention.js';
export * from './rollout-member.js';
export * from './runtime-mover.js';
export * from './store-mover.js';
export * from './types.js';
export * from './worker.js';
