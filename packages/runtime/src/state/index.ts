export * from './directory-state-store.js';
