export * from './data-dir-lock.js';
export * from './directory-state-store.js';
