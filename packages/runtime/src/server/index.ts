export { catalogDrivers, matchesQuery } from './catalog-search.js';
export * from './loader-adapter.js';
export * from './management-runtime.js';
export * from './management-server.js';
export * from './resource-service.js';
export * from './secret-key.js';
export * from './unavailable-handle.js';
