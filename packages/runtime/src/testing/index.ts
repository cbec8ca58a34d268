/** Test helpers for code built on the runtime: fake loaders/handles and real fixture CARs. */
export * from './driver-fixture.js';
export * from './fake-loader.js';
