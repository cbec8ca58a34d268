export * from './contract-check.js';
export * from './rollout-plan.js';
export * from './swap.js';
