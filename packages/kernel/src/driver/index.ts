export * from './driver-definition.js';
