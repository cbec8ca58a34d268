/**
 * `@chassis/kernel/testing`: test stand-ins for what the loader and runtime provide, so that
 * drivers and facades are tested against the kernel contracts without loading a CAR.
 */
export * from './error-code.js';
export * from './fake-context.js';
export * from './in-process-handle.js';
export * from './recording-provider.js';
export * from './router-for.js';
export * from './schema-problems.js';
