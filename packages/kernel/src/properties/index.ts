export * from '../messages/index.js';
export * from './config-change.js';
export * from './iso-date.js';
export * from './mask.js';
export * from './render.js';
export * from './schema.js';
export * from './secret-box.js';
export * from './validate.js';
