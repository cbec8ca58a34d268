export * from './runtime-api.js';
