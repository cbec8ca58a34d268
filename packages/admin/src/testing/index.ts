/** Test doubles of `@chassis/admin`: an in-memory `RuntimeApi` and a CAR builder. */

export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from './chromium.js';
export { type FakeCatalogEntry, fakeCatalog } from './fake-data.js';
export {
  createFakeRuntime,
  type FakeFailable,
  type FakeRuntime,
  type FakeRuntimeOptions,
} from './fake-runtime.js';
