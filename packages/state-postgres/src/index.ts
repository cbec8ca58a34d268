export * from './database.js';
export * from './errors.js';
export * from './migrations.js';
export * from './postgres-state-store.js';
