import { resolve } from 'node:path';
import type { CarHead } from '@chassis/car';
import {
  bindImplementations,
  ChassisError,
  type ConfinementConfig,
  createDriverContainer,
  DEFAULT_KERNEL_CONFIG,
  type DriverConfinement,
  type DriverDescriptor,
  type DriverLimits,
  type IsolationTier,
  type Logger,
  resolveConfinement,
  serializeError,
  silentLogger,
} from '@chassis/kernel';
import type { Container } from 'inversify';
import { type BackoffPolicy, exponentialBackoff } from '../backoff.js';
import type { CachedCar, CarCache } from '../cache/car-cache.js';
import { type ManagedDriverHandle, ManagedHandle } from '../handle/managed-handle.js';
import type { GuestInit } from '../rpc/protocol.js';
import { LoaderTokens } from '../tokens.js';
import { admit } from './admission.js';
import { ensureLibLink, readDriverDirectory } from './directory.js';
import { type EarlySpawn, PendingEnvironment } from './early-spawn.js';
import type { DriverLoaderOptions, LoadedDriver, LoadOptions, OpenedCar } from './load-types.js';
import { resolveTier } from './tier.js';
import {
  createTierEnvironment,
  type SpawnedEnvironment,
  type SpawnPlan,
  spawnTierEnvironment,
  type TierEnvironmentSettings,
} from './tier-environment.js';

export type { DriverLoaderOptions, LoadedDriver, LoadOptions, OpenedCar } from './load-types.js';

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
    const confinement = this.confinementOf(descriptor);
    admit(descriptor, confinement, this.options.extensionPoints);
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
    const logger = this.logger.child({ driver: plan.driver.id, version: plan.driver.version });
    // A failed spawn is redone (and reported) by the ordinary path after verification.
    return spawnTierEnvironment(this.settings(), plan, logger).catch(() => undefined);
  }

  private async loadFrom(
    dir: string,
    options: LoadOptions,
    pending: PendingEnvironment | undefined,
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
      first = await pending?.take(plan);
      await ensureLibLink(abs);
      return await this.finishLoad(plan, descriptor, messages, options, () => {
        const spawned = first;
        first = undefined;
        return spawned;
      });
    } catch (err) {
      // Refused before the take (e.g. its provides): the early environment goes here too.
      await pending?.dispose();
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
    const car = await this.openCar(carFile, cache, options);
    try {
      return await this.loadCached(car, options.tier ? { tier: options.tier } : {});
    } finally {
      await car.pending.dispose();
    }
  }

  /**
   * The first half of {@link loadCar}: ensures `carFile` is in `cache` while the environment
   * boots from the CAR's head (its folder is named by the digest, known from the first pass over
   * the file). The result carries that environment as `pending`: {@link loadCached} takes it
   * (the verified descriptor decides whether it is used), and the caller must `dispose` it on
   * every other exit — one `finally` after the load does (a no-op once taken). A failed
   * verification or extraction disposes it here and rethrows the cache's typed error.
   * `tier`: as for the load (a different one at load disposes the early environment).
   */
  async openCar(
    carFile: string,
    cache: CarCache,
    options: { readonly tier?: IsolationTier; readonly sha256?: string } = {},
  ): Promise<OpenedCar> {
    const { tier, sha256 } = options;
    const pending = new PendingEnvironment(this.logger);
    const onHead = (head: CarHead) =>
      pending.start(() => this.prespawn(head, resolve(cache.pathOf(head.sha256)), tier));
    try {
      const car = await cache.ensure(carFile, {
        ...(sha256 ? { sha256 } : {}),
        ...(this.options.earlySpawn === false ? {} : { onHead }),
      });
      return { dir: car.dir, sha256: car.sha256, archive: car.archive, pending };
    } catch (err) {
      await pending.dispose();
      throw err;
    }
  }

  /**
   * Loads a CAR the cache has already verified and extracted (no further read of the CAR). With
   * `car.pending` (from {@link openCar}) the environment spawned during extraction is used when
   * its plan is the verified one, and disposed otherwise.
   */
  loadCached(
    car: CachedCar & { readonly pending?: PendingEnvironment },
    options: { readonly tier?: IsolationTier } = {},
  ): Promise<LoadedDriver> {
    return this.loadFrom(
      car.dir,
      {
        ...options,
        descriptor: car.archive.descriptor,
        messages: car.archive.messages,
        sha256: car.sha256,
      },
      car.pending,
    );
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
