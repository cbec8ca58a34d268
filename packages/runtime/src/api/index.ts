export * from './cluster.js';
export * from './operations.js';
export * from './runtime-api.js';
