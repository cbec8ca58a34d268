export * from './extension-point.js';
