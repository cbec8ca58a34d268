import { resolve } from 'node:path';
import type { ResourceLimits } from 'node:worker_threads';
import type { CarHead } from '@chassis/car';
import {
  bindImplementations,
  ChassisError,
  type ConfinementConfig,
  checkProvides,
  createDriverContainer,
  DEFAULT_KERNEL_CONFIG,
  type DriverConfinement,
  type DriverContainer,
  type DriverDescriptor,
  type DriverLimits,
  type ExtensionPoint,
  type IsolationTier,
  type Logger,
  resolveConfinement,
  serializeError,
  silentLogger,
} from '@chassis/kernel';
import type { Container } from 'inversify';
import { type BackoffPolicy, exponentialBackoff } from '../backoff.js';
import type { CachedCar, CarCache } from '../cache/car-cache.js';
import type { ExecutorOptions } from '../executor/executor.js';
import { type ManagedDriverHandle, ManagedHandle } from '../handle/managed-handle.js';
import type { GuestInit } from '../rpc/protocol.js';
import { LoaderTokens } from '../tokens.js';
import { ensureLibLink, readDriverDirectory } from './directory.js';
import { disposeEarly, type EarlySpawn, takeEarly } from './early-spawn.js';
import { resolveTier } from './tier.js';
import {
  createTierEnvironment,
  type SpawnedEnvironment,
  type SpawnPlan,
  spawnTierEnvironment,
  type TierEnvironmentSettings,
} from './tier-environment.js';

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
    this.confinementConfig = options.confinement ?? {
      ...DEFAULT_KERNEL_CONFIG.confinement,
      trusted: ['*'],
    };
  }

  private readonly confinementConfig: ConfinementConfig;

  /** What `descriptor` may reach and its limits under this loader's confinement config. */
  confinementOf(descriptor: DriverDescriptor): DriverConfinement {
    return resolveConfinement(this.confinementConfig, descriptor);
  }

  /** The tier `descriptor` would get from this loader. */
  tierOf(descriptor: DriverDescriptor, explicit?: IsolationTier): IsolationTier {
    return resolveTier(descriptor, {
      explicit,
      overrides: this.options.tierOverrides,
      defaultTier: this.options.defaultTier,
      trusted: this.confinementOf(descriptor).trusted,
    });
  }

  /** The effective limits: per-driver config, else this loader's explicit caps, else the config default. */
  private limitsOf(descriptor: DriverDescriptor, tier: IsolationTier): DriverLimits {
    const own = this.confinementConfig.drivers[descriptor.id];
    const explicit =
      tier === 'process'
        ? (this.options.process?.maxOldGenerationSizeMb ??
          this.options.worker?.resourceLimits?.maxOldGenerationSizeMb)
        : this.options.worker?.resourceLimits?.maxOldGenerationSizeMb;
    return {
      heapMb: own?.heapMb ?? explicit ?? this.confinementConfig.heapMb,
      maxMessageBytes: own?.maxMessageBytes ?? this.confinementConfig.maxMessageBytes,
    };
  }

  /** Loads an extracted CAR directory. Rejects with `CHASSIS_E_LOADER_*` load errors. */
  loadDirectory(dir: string, options: LoadOptions = {}): Promise<LoadedDriver> {
    return this.loadFrom(dir, options, undefined);
  }

  /**
   * The spawn plan of `descriptor` from `dir`; refuses (typed) a driver whose provided points or
   * permissions this host does not accept, before anything is spawned.
   */
  private planOf(descriptor: DriverDescriptor, dir: string, explicit?: IsolationTier): SpawnPlan {
    if (this.options.extensionPoints) {
      const points = new Map(this.options.extensionPoints.map((p) => [p.id, p] as const));
      const [refused] = checkProvides(descriptor, points);
      if (refused) throw refused;
    }
    const confinement = this.confinementOf(descriptor);
    if (confinement.refused.length > 0) {
      throw new ChassisError(
        'CHASSIS_E_LOADER_PERMISSION_NOT_GRANTED',
        `driver ${descriptor.id}@${descriptor.version} asks for ${confinement.refused.join(', ')} in the permissions: block of its driver.yaml, which the operator has not granted; grant it under confinement.drivers["${descriptor.id}"].grants in the kernel configuration, or do not install this driver`,
        {
          details: {
            driver: descriptor.id,
            version: descriptor.version,
            permissions: confinement.refused,
          },
        },
      );
    }
    const tier = this.tierOf(descriptor, explicit);
    const driver = { id: descriptor.id, version: descriptor.version };
    return { tier, driver, dir, confinement, limits: this.limitsOf(descriptor, tier) };
  }

  /**
   * Starts the environment of a CAR from its unverified head while the cache still verifies and
   * extracts it; nothing when the head would be refused or runs in-process (the verified path
   * then reports or does it).
   */
  private prespawn(head: CarHead, dir: string, tier?: IsolationTier): EarlySpawn {
    let plan: SpawnPlan;
    try {
      plan = this.planOf(head.descriptor, dir, tier);
    } catch {
      // Nothing is lost: the verified descriptor is planned again and throws the typed error.
      return undefined;
    }
    if (plan.tier === 'in-process') return undefined;
    const logger = this.logger.child(plan.driver);
    // A failed spawn is redone (and reported) by the ordinary path after verification.
    return spawnTierEnvironment(this.settings(), plan, logger).catch(() => undefined);
  }

  private async loadFrom(
    dir: string,
    options: LoadOptions,
    early: EarlySpawn,
  ): Promise<LoadedDriver> {
    let first: SpawnedEnvironment | undefined;
    try {
      const abs = resolve(dir);
      const read =
        options.descriptor && options.messages
          ? { descriptor: options.descriptor, messages: options.messages }
          : await readDriverDirectory(abs);
      const descriptor = options.descriptor ?? read.descriptor;
      const messages = options.messages ?? read.messages;
      const plan = this.planOf(descriptor, abs, options.tier);
      first = await takeEarly(early, plan);
      early = undefined;
      await ensureLibLink(abs);
      return this.finishLoad(plan, descriptor, messages, options, () => {
        const spawned = first;
        first = undefined;
        return spawned;
      });
    } catch (err) {
      await disposeEarly(early);
      await first?.dispose();
      throw err;
    }
  }

  private async finishLoad(
    plan: SpawnPlan,
    descriptor: DriverDescriptor,
    messages: Record<string, Record<string, string>>,
    options: LoadOptions,
    takeFirst: () => SpawnedEnvironment | undefined,
  ): Promise<LoadedDriver> {
    const { tier, confinement, limits, dir: abs } = plan;
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
        // The first load may use the environment spawned during extraction; restarts spawn anew.
        load: () =>
          takeFirst()?.attach(init) ??
          createTierEnvironment(this.settings(), tier, init, logger, confinement, limits),
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
        // checkProvides accepted every provided range above: bind what the router resolves.
        bindImplementations(child, descriptor, handle);
      },
      { driver: `${descriptor.id}@${descriptor.version}` },
    );
    handle.useContainer(container);
    return {
      descriptor,
      handle,
      dir: abs,
      container,
      messages,
      confinement,
      limits,
      ...(options.sha256 ? { sha256: options.sha256 } : {}),
    };
  }

  /**
   * Ensures `carFile` is in `cache` (read, verified and extracted in one pass) and loads it from
   * there. `sha256`: the digest the caller expects (a version loaded before), so a cached
   * extraction is reused.
   */
  async loadCar(
    carFile: string,
    cache: CarCache,
    options: { readonly tier?: IsolationTier; readonly sha256?: string } = {},
  ): Promise<LoadedDriver> {
    const { tier, sha256 } = options;
    // The environment boots while the CAR is verified and extracted (its folder is named by the
    // digest, known from the first pass over the file); the verified descriptor decides whether
    // it is used (see takeEarly).
    let early: EarlySpawn;
    const onHead = (head: CarHead) => {
      early ??= this.prespawn(head, resolve(cache.pathOf(head.sha256)), tier);
    };
    let car: CachedCar;
    try {
      car = await cache.ensure(carFile, { ...(sha256 ? { sha256 } : {}), onHead });
    } catch (err) {
      await disposeEarly(early);
      throw err;
    }
    return this.loadFrom(
      car.dir,
      {
        ...(tier ? { tier } : {}),
        descriptor: car.archive.descriptor,
        messages: car.archive.messages,
        sha256: car.sha256,
      },
      early,
    );
  }

  /** Loads a CAR the cache has already verified and extracted (no further read of the CAR). */
  loadCached(
    car: CachedCar,
    options: { readonly tier?: IsolationTier } = {},
  ): Promise<LoadedDriver> {
    return this.loadDirectory(car.dir, {
      ...options,
      descriptor: car.archive.descriptor,
      messages: car.archive.messages,
      sha256: car.sha256,
    });
  }

  private settings(): TierEnvironmentSettings {
    return {
      ...(this.options.loadTimeoutMs === undefined
        ? {}
        : { loadTimeoutMs: this.options.loadTimeoutMs }),
      ...(this.options.hostEnv ? { hostEnv: this.options.hostEnv } : {}),
      output: this.confinementConfig.output,
      ...(this.options.worker?.resourceLimits
        ? { workerResourceLimits: this.options.worker.resourceLimits }
        : {}),
      ...(this.options.scratchRoot ? { scratchRoot: this.options.scratchRoot } : {}),
    };
  }
}
