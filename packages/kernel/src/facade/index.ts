export * from './arguments.js';
export * from './channel.js';
export * from './operation-types.js';
export * from './router.js';
