export * from './recovery-plan.js';
export * from './rollout-plan.js';
export * from './swap.js';
export * from './upgrade-status.js';
