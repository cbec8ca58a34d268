export * from './driver-descriptor.js';
