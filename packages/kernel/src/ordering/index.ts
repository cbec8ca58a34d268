export type { MissingReason } from './order-errors.js';
export * from './plan-order.js';
export { compareStrings, DEFAULT_CATEGORY_RANKS, resolveRanks } from './ranks.js';
export { groupByRank, type RankGroup, reverseStartOrder } from './schedule.js';
export type * from './types.js';
