/** Public API of @chassis/loader. */
export {
  type BackoffPolicy,
  type ExponentialBackoffOptions,
  exponentialBackoff,
} from './backoff.js';
export {
  type CachedCar,
  CarCache,
  type CarReader,
  type EnsureOptions,
  sha256File,
} from './cache/car-cache.js';
export {
  DEFAULT_EXECUTOR_OPTIONS,
  Executor,
  type ExecutorMetrics,
  type ExecutorOptions,
  type RunOptions,
} from './executor/executor.js';
export { LATENCY_BUCKETS_MS, type LatencyHistogram } from './executor/histogram.js';
export type { DriverMemory } from './handle/environment.js';
export {
  DEFAULT_MEMORY_TIMEOUT_MS,
  type FaultListener,
  type HandleState,
  type ManagedDriverHandle,
  type MemoryOptions,
} from './handle/managed-handle.js';
export { type DriverDirectory, ensureLibLink, readDriverDirectory } from './loader/directory.js';
export {
  DriverLoader,
  type DriverLoaderOptions,
  type LoadedDriver,
  type LoadOptions,
  type OpenedCar,
} from './loader/driver-loader.js';
export { PendingEnvironment } from './loader/early-spawn.js';
export { resolveTier, type TierChoice } from './loader/tier.js';
export { type CreateSourceOptions, createSource } from './sources/create-source.js';
export {
  DEFAULT_DOWNLOAD_TIMEOUT_MS,
  DEFAULT_MAX_DOWNLOAD_BYTES,
} from './sources/download.js';
export { FileSource, type SourceDefaults } from './sources/file-source.js';
export { HttpSource, parseIndex, parseListing } from './sources/http-source.js';
export { S3Source, type S3SourceOptions } from './sources/s3-source.js';
export type { CarRef, CarSource, DownloadOptions } from './sources/source.js';
export { LoaderTokens } from './tokens.js';
