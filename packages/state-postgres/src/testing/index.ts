export * from './pg-cluster.js';
export * from './pg-suite.js';
