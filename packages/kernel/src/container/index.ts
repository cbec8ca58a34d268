export * from './clock.js';
export * from './driver-container.js';
export * from './kernel-container.js';
export * from './kernel-tokens.js';
