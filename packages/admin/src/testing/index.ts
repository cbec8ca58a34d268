/**
 * Test doubles of `@chassis/admin`: an in-memory `RuntimeApi`, a CAR builder, and the cluster
 * view of a fake two-member cluster (what the web UI's and the CLI's member views show).
 */

export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from './chromium.js';
export {
  type FakeClusterOptions,
  fakeCluster,
  fakeFailedState,
  fakeRunningState,
} from './fake-cluster.js';
export { type FakeCatalogEntry, fakeCatalog } from './fake-data.js';
export {
  createFakeRuntime,
  type FakeFailable,
  type FakeRuntime,
  type FakeRuntimeOptions,
} from './fake-runtime.js';
