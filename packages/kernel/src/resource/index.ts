export * from './compartment.js';
export * from './deadline.js';
export * from './registry.js';
export * from './resource.js';
