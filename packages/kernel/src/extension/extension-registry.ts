import semver from 'semver';
import { driverKey } from '../descriptor/driver-descriptor.js';
import { ChassisError } from '../errors/chassis-error.js';
import { type ExtensionPoint, isExtensionPoint } from './extension-point.js';
import {
  checkContractRange,
  duplicateProviderError,
  unknownPointError,
} from './provider-errors.js';

/** What a driver version offers for one extension point. */
export interface ProviderSpec<T> {
  readonly driverId: string;
  /** The driver's own version (several versions may be bound side by side during an upgrade). */
  readonly version: string;
  /** Semver range of the point's contract the driver implements, from `provides` in driver.yaml. */
  readonly range: string;
  /** The implementation, when it lives in this process (absent for drivers behind a worker). */
  readonly implementation?: T;
}

/** A provider bound to a point. */
export interface BoundProvider<T> extends ProviderSpec<T> {
  /** Id of the extension point. */
  readonly point: string;
}

/**
 * Which driver versions implement which extension points. Refuses providers whose declared
 * contract range does not include the point's version, so a mismatch is caught at bind time
 * instead of at the first call. In-memory and synchronous; one per kernel.
 */
export class ExtensionRegistry {
  readonly #points = new Map<string, ExtensionPoint<unknown>>();
  readonly #providers = new Map<string, BoundProvider<unknown>[]>();

  /**
   * Registers a point. Registering the same id and version again is a no-op; a different
   * version under the same id throws `CHASSIS_E_EXT_DUPLICATE_POINT`.
   */
  registerPoint<T>(point: ExtensionPoint<T>): ExtensionPoint<T> {
    if (!isExtensionPoint(point)) {
      throw new ChassisError(
        'CHASSIS_E_EXT_INVALID_POINT',
        'registerPoint() needs a token made by createExtensionPoint(id, version)',
        { details: { value: String(point) } },
      );
    }
    const existing = this.#points.get(point.id);
    if (existing && existing.version !== point.version) {
      throw new ChassisError(
        'CHASSIS_E_EXT_DUPLICATE_POINT',
        `Extension point "${point.id}" is already registered with contract ${existing.version}; ` +
          `cannot register it again as ${point.version} (one contract version per point and server)`,
        { details: { point: point.id, version: point.version, registered: existing.version } },
      );
    }
    if (!existing) {
      this.#points.set(point.id, point);
      this.#providers.set(point.id, []);
    }
    return point;
  }

  /** The registered point with that id. */
  point(id: string): ExtensionPoint<unknown> | undefined {
    return this.#points.get(id);
  }

  /** All registered points, sorted by id. */
  points(): readonly ExtensionPoint<unknown>[] {
    return [...this.#points.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Points by id, the shape {@link checkProvides} takes. */
  pointMap(): ReadonlyMap<string, ExtensionPoint<unknown>> {
    return new Map(this.#points);
  }

  /**
   * Binds a driver version to a point. Throws `CHASSIS_E_EXT_UNKNOWN_POINT`,
   * `CHASSIS_E_EXT_VERSION_MISMATCH` (range excludes the point's version) or
   * `CHASSIS_E_EXT_DUPLICATE_PROVIDER` (that driver version is already bound there).
   */
  bind<T>(point: ExtensionPoint<T>, provider: ProviderSpec<T>): BoundProvider<T>;
  bind(pointId: string, provider: ProviderSpec<unknown>): BoundProvider<unknown>;
  bind(point: ExtensionPoint<unknown> | string, provider: ProviderSpec<unknown>) {
    const driver = driverKey({ id: provider.driverId, version: provider.version });
    const registered = this.#resolve(point, driver);
    const mismatch = checkContractRange(driver, registered, provider.range);
    if (mismatch) throw mismatch;
    const list = this.#providers.get(registered.id) as BoundProvider<unknown>[];
    if (list.some((p) => p.driverId === provider.driverId && p.version === provider.version))
      throw duplicateProviderError(driver, registered.id);
    const bound: BoundProvider<unknown> = Object.freeze({
      point: registered.id,
      driverId: provider.driverId,
      version: provider.version,
      range: provider.range,
      ...('implementation' in provider ? { implementation: provider.implementation } : {}),
    });
    list.push(bound);
    list.sort(compareProviders);
    return bound;
  }

  /**
   * The providers bound to a point, sorted by driver id then version (newest last). Throws
   * `CHASSIS_E_EXT_UNKNOWN_POINT` for a point that was never registered.
   */
  providers<T>(point: ExtensionPoint<T>): readonly BoundProvider<T>[];
  providers(pointId: string): readonly BoundProvider<unknown>[];
  providers(point: ExtensionPoint<unknown> | string): readonly BoundProvider<unknown>[] {
    const registered = this.#resolve(point, undefined);
    return Object.freeze([...(this.#providers.get(registered.id) ?? [])]);
  }

  /** Removes a driver version from every point; returns the ids of the points it left. */
  unbind(driverId: string, version: string): string[] {
    const left: string[] = [];
    for (const [pointId, list] of this.#providers) {
      const at = list.findIndex((p) => p.driverId === driverId && p.version === version);
      if (at === -1) continue;
      list.splice(at, 1);
      left.push(pointId);
    }
    return left.sort();
  }

  #resolve(point: ExtensionPoint<unknown> | string, driver: string | undefined) {
    const id = typeof point === 'string' ? point : point.id;
    const registered = this.#points.get(id);
    if (!registered) throw unknownPointError(driver, id, [...this.#points.keys()].sort());
    return registered;
  }
}

function compareProviders(a: BoundProvider<unknown>, b: BoundProvider<unknown>): number {
  if (a.driverId !== b.driverId) return a.driverId < b.driverId ? -1 : 1;
  if (semver.valid(a.version) && semver.valid(b.version))
    return semver.compare(a.version, b.version);
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}
