export * from './confinement.js';
export * from './kernel-config.js';
export * from './kernel-config-schema.js';
export * from './parse-kernel-config.js';
