export * from './chassis-error.js';
export * from './codes/spec.js';
export * from './registry.js';
