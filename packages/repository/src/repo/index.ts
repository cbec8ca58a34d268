export { type AddCarOptions, type AddCarsResult, addCar, addCars } from './add.js';
export { copyFileAtomic, writeFileAtomic } from './atomic.js';
export {
  type CarInspector,
  type CarSummary,
  type CarVerifier,
  readCarSummary,
  verifyCarIntegrity,
} from './car-inspector.js';
export { type PublishedTarget, publishConsistentNames } from './consistent.js';
export { digestFile } from './digest.js';
export {
  carTarget,
  type IndexRepositoryOptions,
  type IndexResult,
  indexRepository,
} from './index-repository.js';
export { type InitRepositoryOptions, type InitRepositoryResult, initRepository } from './init.js';
export { loadRoleKeys, type RoleKeys } from './keys-store.js';
export {
  CARS_DIR,
  carTargetPath,
  consistentTargetPaths,
  digestOfTargetPath,
  isMetadataFileName,
  isTargetFileName,
  LATEST_ROOT_FILE,
  REVOCATIONS_TARGET,
  TIMESTAMP_FILE,
  versionedName,
} from './layout.js';
export { DEFAULT_EXPIRY, type Expiry } from './metadata.js';
export { type PublishRevocationsOptions, publishRevocations } from './revocations.js';
export { type RevocationsTargetCustom, revocationsTarget } from './revocations-target.js';
export { type RotateOptions, type RotateResult, rotateRootKey } from './rotate.js';
export { type RepositoryServer, type ServeOptions, serveRepository } from './serve.js';
export { latestRootVersion, type RepositoryState, readRepositoryState } from './state.js';
