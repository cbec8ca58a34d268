/**
 * Public API of `@chassis/kernel`: contracts, tokens and pure algorithms. Each area keeps its
 * own barrel; nothing outside this package imports from `src/` directly.
 */
export * from './config/index.js';
export * from './container/index.js';
export * from './descriptor/index.js';
export * from './driver/index.js';
export * from './dto.js';
export * from './errors/index.js';
export * from './extension/index.js';
export * from './facade/index.js';
export * from './lifecycle/index.js';
export * from './logger.js';
export * from './ordering/index.js';
export * from './properties/index.js';
export * from './resource/index.js';
export * from './state/index.js';
// Types only: the schema values live in the `@chassis/kernel/summaries` subpath, so loading the
// kernel does not load TypeBox.
export type * from './summaries/index.js';
