/** Public API of @chassis/storage: the `storage.primary` contract, its token and its facade. */
export * from './contract.js';
export * from './facade.js';
export * from './point.js';
