/**
 * Public API of the example management server, for tests and for copying from: the demo
 * (`runDemo`), the composed server (`startExampleServer`), the scripted scenario and the
 * packing of the example driver CARs into the local repository folder, the trust policy and TUF
 * repository access, the install lock and update notices.
 */
export { type CliOptions, parseCli, USAGE, UsageError } from './args.js';
export {
  createDemoResources,
  type DemoOptions,
  type DemoResult,
  runDemo,
  showRefusedChange,
} from './demo.js';
export {
  installedVersions,
  LOCK_FILE_NAME,
  LockWriter,
  loadLockCheck,
  lockFileOf,
} from './lock-file.js';
export { packRepository } from './pack-repository.js';
export { DEFAULT_DATA_DIR, DEFAULT_REPOSITORY_DIR } from './paths.js';
export { LOG_LEVELS, type LogLevel, printLogger } from './print-logger.js';
export {
  type InstallPlan,
  listRepository,
  planInstall,
  type RepositoryCar,
} from './repository.js';
export { BAD_POOL_CHANGE, DEMO_RESOURCES, type DemoResource, DRIVER_IDS } from './resources.js';
export { runScenario, type ScenarioResult, type ScenarioTargets } from './scenario.js';
export {
  DEMO_PRINCIPAL,
  type ExampleServer,
  type ExampleServerOptions,
  startExampleServer,
} from './server.js';
export {
  createRepositorySetup,
  EXAMPLE_UNSIGNED_IDS,
  HOST_CHASSIS_VERSION,
  HOST_CONTRACTS,
  type RepositorySetup,
  type TrustOptions,
  type TufOptions,
} from './trust.js';
export { formatUpdate, watchUpdates } from './update-notices.js';
