import { resolve } from 'node:path';
import type { ResourceLimits } from 'node:worker_threads';
import {
  ChassisError,
  checkProvides,
  createDriverContainer,
  type DriverContainer,
  type DriverDescriptor,
  type ExtensionPoint,
  type IsolationTier,
  type Logger,
  serializeError,
  silentLogger,
} from '@chassis/kernel';
import type { Container } from 'inversify';
import { type BackoffPolicy, exponentialBackoff } from '../backoff.js';
import type { CarCache } from '../cache/car-cache.js';
import type { ExecutorOptions } from '../executor/executor.js';
import type { Environment } from '../handle/environment.js';
import { createInProcessEnvironment } from '../handle/in-process-environment.js';
import { type ManagedDriverHandle, ManagedHandle } from '../handle/managed-handle.js';
import { createRemoteEnvironment } from '../handle/remote-environment.js';
import { createProcessTransport } from '../rpc/process-transport.js';
import type { GuestInit } from '../rpc/protocol.js';
import { createWorkerTransport } from '../rpc/worker-transport.js';
import { LoaderTokens } from '../tokens.js';
import { ensureLibLink, readDriverDirectory } from './directory.js';
import { resolveTier } from './tier.js';

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
}

/** Options of one load. */
export interface LoadOptions {
  readonly tier?: IsolationTier;
  /** Already-parsed descriptor and messages (e.g. from `CarCache.ensure`); read from `dir` otherwise. */
  readonly descriptor?: DriverDescriptor;
  readonly messages?: Record<string, Record<string, string>>;
  readonly sha256?: string;
}

/**
 * Creates one execution environment per CAR: a child container, module resolution from the
 * CAR's `lib/`, the chosen isolation tier and a per-driver executor, behind a
 * {@link ManagedDriverHandle} that looks the same whatever the tier.
 */
export class DriverLoader {
  private readonly logger: Logger;
  private readonly restartPolicy: BackoffPolicy;

  constructor(private readonly options: DriverLoaderOptions) {
    this.logger = options.logger ?? silentLogger;
    this.restartPolicy = options.restart ?? exponentialBackoff();
  }

  /** The tier `descriptor` would get from this loader. */
  tierOf(descriptor: DriverDescriptor, explicit?: IsolationTier): IsolationTier {
    return resolveTier(descriptor, {
      explicit,
      overrides: this.options.tierOverrides,
      defaultTier: this.options.defaultTier,
    });
  }

  /** Loads an extracted CAR directory. Rejects with `CHASSIS_E_LOADER_*` load errors. */
  async loadDirectory(dir: string, options: LoadOptions = {}): Promise<LoadedDriver> {
    const abs = resolve(dir);
    const read =
      options.descriptor && options.messages
        ? { descriptor: options.descriptor, messages: options.messages }
        : await readDriverDirectory(abs);
    const descriptor = options.descriptor ?? read.descriptor;
    const messages = options.messages ?? read.messages;
    if (this.options.extensionPoints) {
      const points = new Map(this.options.extensionPoints.map((p) => [p.id, p] as const));
      const [refused] = checkProvides(descriptor, points);
      if (refused) throw refused;
    }
    const tier = this.tierOf(descriptor, options.tier);
    await ensureLibLink(abs);
    const logger = this.logger.child({ driver: descriptor.id, version: descriptor.version });
    const init: GuestInit = {
      dir: abs,
      entry: descriptor.entry,
      driver: { id: descriptor.id, version: descriptor.version },
      messages,
    };
    let handle: ManagedHandle;
    try {
      handle = await ManagedHandle.create({
        id: descriptor.id,
        version: descriptor.version,
        tier,
        executor: this.options.executor,
        restartPolicy: this.restartPolicy,
        livenessTimeoutMs: this.options.livenessTimeoutMs ?? 1000,
        callerStacks: this.options.callerStacks === true,
        load: () => this.environment(tier, init, logger),
      });
    } catch (err) {
      throw ChassisError.is(err) ? err : ChassisError.fromJSON(serializeError(err));
    }
    const container = createDriverContainer(
      this.options.kernelContainer,
      (child: Container) => {
        child.bind(LoaderTokens.Descriptor).toConstantValue(descriptor);
        child.bind(LoaderTokens.Handle).toConstantValue(handle);
        child.bind(LoaderTokens.Messages).toConstantValue(messages);
        child.bind(LoaderTokens.Logger).toConstantValue(logger);
      },
      { driver: `${descriptor.id}@${descriptor.version}` },
    );
    return {
      descriptor,
      handle,
      dir: abs,
      container,
      messages,
      ...(options.sha256 ? { sha256: options.sha256 } : {}),
    };
  }

  /** Ensures `carFile` is in `cache` (verified, extracted once) and loads it from there. */
  async loadCar(
    carFile: string,
    cache: CarCache,
    options: { readonly tier?: IsolationTier } = {},
  ): Promise<LoadedDriver> {
    const { dir, sha256, archive } = await cache.ensure(carFile);
    return this.loadDirectory(dir, {
      ...options,
      descriptor: archive.descriptor,
      messages: archive.messages,
      sha256,
    });
  }

  private environment(tier: IsolationTier, init: GuestInit, logger: Logger): Promise<Environment> {
    const loadTimeoutMs = this.options.loadTimeoutMs ?? 10_000;
    const limits = this.options.worker?.resourceLimits;
    switch (tier) {
      case 'in-process':
        return createInProcessEnvironment(init, logger);
      case 'worker':
        return createRemoteEnvironment({
          tier,
          transport: createWorkerTransport({
            resourceLimits: limits,
            name: `${init.driver.id}@${init.driver.version}`,
          }),
          init,
          logger,
          loadTimeoutMs,
          heapLimitMb: limits?.maxOldGenerationSizeMb,
        });
      case 'process': {
        const heap = this.options.process?.maxOldGenerationSizeMb ?? limits?.maxOldGenerationSizeMb;
        return createRemoteEnvironment({
          tier,
          transport: createProcessTransport({
            maxOldGenerationSizeMb: heap,
            onOutput: (stream, text) =>
              logger[stream === 'stderr' ? 'warn' : 'info']({ stream }, text.trimEnd()),
          }),
          init,
          logger,
          loadTimeoutMs,
          heapLimitMb: heap,
        });
      }
    }
  }
}
