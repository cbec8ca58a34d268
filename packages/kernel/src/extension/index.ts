export * from './compatibility.js';
export * from './extension-point.js';
export * from './extension-registry.js';
