export * from './compatibility.js';
export * from './extension-point.js';
export * from './implementation.js';
