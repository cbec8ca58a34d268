import type { ResourceLimits } from 'node:worker_threads';
import type {
  ConfinementConfig,
  DriverConfinement,
  DriverContainer,
  DriverDescriptor,
  DriverLimits,
  ExtensionPoint,
  IsolationTier,
  Logger,
} from '@chassis/kernel';
import type { Container } from 'inversify';
import type { BackoffPolicy } from '../backoff.js';
import type { CachedCar } from '../cache/car-cache.js';
import type { ExecutorOptions } from '../executor/executor.js';
import type { ManagedDriverHandle } from '../handle/managed-handle.js';
import type { PendingEnvironment } from './early-spawn.js';

/** One driver version loaded into its own execution environment. */
export interface LoadedDriver {
  readonly descriptor: DriverDescriptor;
  readonly handle: ManagedDriverHandle;
  /** The extracted CAR directory the code runs from. */
  readonly dir: string;
  /** SHA-256 of the CAR file, when loaded from the cache. */
  readonly sha256?: string;
  /**
   * The CAR's container (the kernel's `createDriverContainer`: a child whose parent re-exposes
   * only the kernel's exported tokens): `KernelTokens` plus this CAR's own bindings
   * ({@link LoaderTokens}); anything else throws `CHASSIS_E_CONTAINER_NOT_EXPORTED`.
   */
  readonly container: DriverContainer;
  readonly messages: Record<string, Record<string, string>>;
  /** What this driver may reach and its limits (see {@link DriverLoaderOptions.confinement}). */
  readonly confinement: DriverConfinement;
  /** The limits its environment runs with. */
  readonly limits: DriverLimits;
}

/**
 * A CAR verified and extracted by `DriverLoader.openCar`, with the environment spawned from its
 * head meanwhile: `loadCached` takes it; on every other exit the opener disposes it.
 */
export interface OpenedCar extends CachedCar {
  readonly pending: PendingEnvironment;
}

/** Options of {@link DriverLoader}. */
export interface DriverLoaderOptions {
  readonly kernelContainer: Container;
  readonly logger?: Logger;
  /** Tier for drivers whose `driver.yaml` names none. Default `worker`. */
  readonly defaultTier?: IsolationTier;
  /** Operator overrides by driver id (beat `driver.yaml`). */
  readonly tierOverrides?: Readonly<Record<string, IsolationTier>>;
  readonly executor?: Partial<ExecutorOptions>;
  readonly worker?: { readonly resourceLimits?: ResourceLimits };
  /** Process tier heap cap; defaults to `worker.resourceLimits.maxOldGenerationSizeMb`. */
  readonly process?: { readonly maxOldGenerationSizeMb?: number };
  /** Restart policy handed to the runtime with every handle. Default: exponential from 1 s. */
  readonly restart?: BackoffPolicy;
  /** How long importing an entry may take in a worker/process. Default 10 000 ms. */
  readonly loadTimeoutMs?: number;
  /** Ping deadline after a call timed out before a worker/process is declared stuck. Default 1000 ms. */
  readonly livenessTimeoutMs?: number;
  /** Attach each failed call's host-side caller stack to its error (see `ManagedHandleOptions`). */
  readonly callerStacks?: boolean;
  /**
   * The host's extension points. When given, a driver whose `provides` names an unknown point
   * or a contract range this host does not speak is refused before anything is spawned
   * (`CHASSIS_E_EXT_UNKNOWN_POINT`, `CHASSIS_E_EXT_VERSION_MISMATCH`, `…_DUPLICATE_PROVIDER`).
   */
  readonly extensionPoints?: readonly ExtensionPoint<unknown>[];
  /**
   * The operator's confinement config (kernel config `confinement`): trusted drivers, the
   * environment allow-list, permission grants, limits. Without it every driver's tier request
   * is trusted (library use); the runtime always passes the operator's.
   */
  readonly confinement?: ConfinementConfig;
  /** Where per-driver scratch folders are created (default the OS temp folder). */
  readonly scratchRoot?: string;
  /**
   * Spawn a worker/process environment from the CAR's head while `loadCar` / `openCar` still
   * verifies and extracts it (the verified plan must match, see `early-spawn.ts`). Default
   * `true`; `false` spawns after extraction (the order before issue 14).
   */
  readonly earlySpawn?: boolean;
  /** The host environment the allow-list picks from. Default `process.env`. */
  readonly hostEnv?: NodeJS.ProcessEnv;
}

/** Options of one load. */
export interface LoadOptions {
  readonly tier?: IsolationTier;
  /** Already-parsed descriptor and messages (e.g. from `CarCache.ensure`); read from `dir` otherwise. */
  readonly descriptor?: DriverDescriptor;
  readonly messages?: Record<string, Record<string, string>>;
  readonly sha256?: string;
}
