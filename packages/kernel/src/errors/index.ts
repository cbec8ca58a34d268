export * from './advice.js';
export * from './chassis-error.js';
export * from './codes/spec.js';
export * from './driver-error.js';
export * from './optional-peer.js';
export * from './reference.js';
export * from './registry.js';
