/**
 * Public API of `@chassis/server`: the `chassis-server` command and its configuration (schema,
 * loader, reference), the composed server, and the building blocks other servers (the example)
 * reuse: trust and repository setup, install lock, CAR folders, printing.
 */

export { serveAdmin } from './admin.js';
export { recordingCategories } from './categories.js';
export { SERVER_USAGE, serverMain } from './cli.js';
export {
  type ConfigProblem,
  type LoadOptions,
  loadServerConfig,
  type ServerSettings,
} from './config/load.js';
export { applyOverlay, type Flags, OVERLAY, type OverlaySetting } from './config/overlay.js';
export { renderConfigReference } from './config/reference.js';
export {
  type S3Config,
  S3Schema,
  type ServerConfigFile,
  ServerConfigSchema,
  type TokenConfig,
  TokenSchema,
} from './config/schema.js';
export * from './format.js';
export * from './lock-file.js';
export * from './print-logger.js';
export * from './repository.js';
export { type RunningServer, type StartOptions, startServer } from './server.js';
export * from './trust.js';
export * from './update-notices.js';
