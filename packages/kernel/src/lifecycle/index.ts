export * from './events.js';
export * from './manager.js';
export * from './runner.js';
export * from './states.js';
export * from './step.js';
