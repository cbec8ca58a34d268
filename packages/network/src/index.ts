/** Public API of @chassis/network: the `network.device` contract, its token and its facade. */
export * from './contract.js';
export * from './facade.js';
export * from './point.js';
