/** Test doubles of `@chassis/admin`: an in-memory `RuntimeApi` and a CAR builder. */
export { type FakeCatalogEntry, fakeCatalog } from './fake-data.js';
export {
  createFakeRuntime,
  type FakeFailable,
  type FakeRuntime,
  type FakeRuntimeOptions,
} from './fake-runtime.js';
export { writeTestCar } from './test-car.js';
