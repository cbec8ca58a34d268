export * from './check-provides.js';
export * from './extension-point.js';
export * from './extension-registry.js';
