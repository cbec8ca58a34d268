export * from './catalog.js';
export * from './cluster.js';
export * from './operations.js';
export * from './rollback.js';
export * from './runtime-api.js';
export * from './upgrade-status.js';
