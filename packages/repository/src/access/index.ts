export * from './repository-access.js';
