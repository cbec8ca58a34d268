import { join } from 'node:path';
import {
  createKernelContainer,
  DEFAULT_KERNEL_CONFIG,
  type DriverHandle,
  LifecycleManager,
  MemoryStateStore,
  ResourceRegistry,
  silentLogger,
  systemClock,
} from '@chassis/kernel';
import { CarCache, type CarReader, DriverLoader, type DriverLoaderOptions } from '@chassis/loader';
import { DriverManager, type DriverManagerOptions } from '../manager/driver-manager.js';
import type { VersionLoader } from '../manager/types.js';
import { cachedVersionLoader, directoryCarKeeper } from '../server/loader-adapter.js';

/** Options of {@link realDriverManager}. */
export interface RealDriverManagerOptions {
  /** Where the CAR cache (`cache/`) and, with `keep`, the kept CARs (`kept/`) go. */
  readonly root: string;
  /** Keep installed CARs in `<root>/kept` as the server does (default: use them in place). */
  readonly keep?: boolean;
  /** How the cache reads CARs (to count the reads); default the real reader. */
  readonly reader?: CarReader;
  readonly loadTimeoutMs?: number;
  readonly verify?: DriverManagerOptions['verify'];
  /** The loader's switch for spawning during extraction (default on, as in the server). */
  readonly earlySpawn?: boolean;
  /** Where the process tier's scratch folders go (default the OS temp folder). */
  readonly scratchRoot?: string;
  /** The host's extension points, checked against each driver's `provides` (default none). */
  readonly extensionPoints?: DriverLoaderOptions['extensionPoints'];
  /** The state store (default a new, empty one): pass another manager's to boot from its records. */
  readonly store?: MemoryStateStore;
  /** Wraps the server's version loader, e.g. to watch what it loads. */
  readonly wrap?: (loader: VersionLoader) => VersionLoader;
}

/** A {@link DriverManager} and the parts a test watches. */
export interface RealDriverManager {
  readonly manager: DriverManager;
  readonly lifecycle: LifecycleManager;
  readonly resources: ResourceRegistry<DriverHandle>;
  readonly store: MemoryStateStore;
}

/**
 * A driver manager over the server's real install path (kernel container, loader, CAR cache,
 * cached version loader, CAR keeper) and an in-memory state store: what the install, upgrade and
 * memory specs and the install benchmark run, without an admin API or resource service.
 */
export function realDriverManager(options: RealDriverManagerOptions): RealDriverManager {
  const lifecycle = new LifecycleManager();
  const resources = new ResourceRegistry<DriverHandle>();
  const store = options.store ?? new MemoryStateStore();
  const kernelContainer = createKernelContainer({
    logger: silentLogger,
    clock: systemClock,
    lifecycle,
    resources,
    config: DEFAULT_KERNEL_CONFIG,
  });
  const loader = cachedVersionLoader(
    new DriverLoader({
      kernelContainer,
      ...(options.loadTimeoutMs ? { loadTimeoutMs: options.loadTimeoutMs } : {}),
      ...(options.earlySpawn === undefined ? {} : { earlySpawn: options.earlySpawn }),
      ...(options.scratchRoot ? { scratchRoot: options.scratchRoot } : {}),
      ...(options.extensionPoints ? { extensionPoints: options.extensionPoints } : {}),
    }),
    new CarCache(join(options.root, 'cache'), {}, silentLogger, options.reader),
    () => {},
  );
  const manager = new DriverManager({
    lifecycle,
    resources,
    store,
    loader: options.wrap ? options.wrap(loader) : loader,
    ...(options.verify ? { verify: options.verify } : {}),
    ...(options.keep ? { keep: directoryCarKeeper(join(options.root, 'kept')) } : {}),
  });
  return { manager, lifecycle, resources, store };
}
