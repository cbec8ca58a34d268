export * from './rollout-plan.js';
export * from './swap.js';
