/** Public API of `@chassis/runtime`: the server runtime (state store, driver manager). */
export * from './api/index.js';
export * from './manager/index.js';
export * from './server/index.js';
export * from './state/index.js';
export * from './upgrade/index.js';
