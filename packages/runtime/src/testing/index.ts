/**
 * Test helpers for code built on the runtime: fake loaders/handles, real fixture CARs, a started
 * fixture server and a driver manager over the real install path.
 */
export * from './driver-fixture.js';
export * from './fake-loader.js';
export * from './fixture-server.js';
export * from './real-manager.js';
