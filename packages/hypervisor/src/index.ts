/** Public API of @chassis/hypervisor: the `hypervisor` contract, its token and its facade. */
export * from './contract.js';
export * from './facade.js';
export * from './point.js';
