import type { DriverCategory } from '../descriptor/driver-descriptor.js';
import type { DriverHandle, PropertyBag } from '../driver/driver-definition.js';
import type { Dto } from '../dto.js';
import { ChassisError } from '../errors/chassis-error.js';
import type { ExtensionPoint } from '../extension/extension-point.js';
import { implementationOf } from '../extension/implementation.js';
import type { Compartment, Resource, ResourceBinding } from '../resource/resource.js';

/**
 * The part of a resource registry entry the router needs. `ResourceRegistry<DriverHandle>`
 * entries satisfy it; tests can pass a tiny fake.
 */
export interface RoutableResource {
  readonly resource: Resource;
  /** Which driver version serves the resource now. */
  readonly binding: ResourceBinding;
  readonly compartment: Compartment<DriverHandle>;
}

/** Finds resources by id (`ResourceRegistry<DriverHandle>` is one). */
export interface ResourceLookup {
  find(id: string): RoutableResource | undefined;
}

/**
 * Where the router gets the validated property bag of a resource's configuration, for the
 * driver version that serves it (a version may read its configuration differently after an
 * upgrade). `undefined` means "not configured".
 */
export interface ConfigurationLookup {
  propertiesFor(
    resource: Resource,
    binding: ResourceBinding,
  ): PropertyBag | undefined | Promise<PropertyBag | undefined>;
}

/** Options of one facade call. */
export interface FacadeCallOptions {
  /** Caller cancellation: removes a queued call, and is handed to the running driver operation. */
  readonly signal?: AbortSignal;
  /**
   * How long the operation may run once it starts (time queued behind other work on the same
   * resource does not count). The compartment owns this deadline (`CHASSIS_E_RESOURCE_OP_TIMEOUT`,
   * aborting the operation's signal) and hands signal and deadline down to the handle, which
   * probes the driver's liveness on expiry and ends one that stopped answering.
   */
  readonly timeoutMs?: number;
  /** How long the call may wait while the resource is suspended (e.g. during an upgrade). */
  readonly suspendTimeoutMs?: number;
  /** Locale for the driver's `t()` (default `en`). */
  readonly locale?: string;
}

/** Options of {@link FacadeRouter.call}: a typed facade always names the category it serves. */
export interface RouteOptions extends FacadeCallOptions {
  /** The category the resource must belong to (`CHASSIS_E_FACADE_WRONG_CATEGORY`). */
  readonly category?: DriverCategory;
}

function resourceDto(resource: Resource): Dto<Resource> {
  return {
    ...resource,
    ...(resource.attributes ? { attributes: { ...resource.attributes } } : {}),
  } as Dto<Resource>;
}

/**
 * Routes facade calls to drivers: finds the resource, checks its category, gets the validated
 * property bag of its configuration and runs the operation through the resource's compartment
 * (so calls on one resource are serial and survive suspend → rebind → resume during upgrades)
 * on whichever {@link DriverHandle} is bound when the operation starts, whatever its isolation
 * tier.
 */
export class FacadeRouter {
  constructor(
    private readonly resources: ResourceLookup,
    private readonly configurations: ConfigurationLookup,
  ) {}

  /**
   * Calls `provides[point][method](ctx, ...args)` on the driver serving `resourceId`.
   * Rejects with `CHASSIS_E_RESOURCE_NOT_FOUND`, `CHASSIS_E_FACADE_WRONG_CATEGORY`,
   * `CHASSIS_E_FACADE_NOT_CONFIGURED`, `CHASSIS_E_FACADE_NO_DRIVER`, the compartment's
   * `CHASSIS_E_RESOURCE_*` codes, or whatever the handle rejected with, unchanged: the handle
   * wraps a driver's own error once (`CHASSIS_E_DRIVER_OPERATION_FAILED`).
   */
  async call<R = unknown>(
    resourceId: string,
    point: string | ExtensionPoint<unknown>,
    method: string,
    args: readonly unknown[],
    options: RouteOptions = {},
  ): Promise<R> {
    const pointId = typeof point === 'string' ? point : point.id;
    const entry = this.resources.find(resourceId);
    if (!entry) {
      throw new ChassisError(
        'CHASSIS_E_RESOURCE_NOT_FOUND',
        `No resource "${resourceId}" is registered; check the id or register the resource first.`,
        { details: { resourceId, point: pointId, method } },
      );
    }
    const { resource } = entry;
    if (options.category !== undefined && resource.category !== options.category) {
      throw new ChassisError(
        'CHASSIS_E_FACADE_WRONG_CATEGORY',
        `Resource "${resourceId}" is a ${resource.category} resource (driver ${resource.driverId}); the ${options.category} facade cannot call ${pointId}.${method} on it.`,
        {
          details: {
            resourceId,
            category: resource.category,
            expected: options.category,
            point: pointId,
            method,
          },
        },
      );
    }
    const binding = entry.binding;
    const properties = await this.#properties(resource, binding);
    const ctx = { resource: resourceDto(resource), locale: options.locale ?? 'en' };
    const where = { resourceId, point: pointId, method };
    return entry.compartment.submit(
      async (handle, signal, deadline) => {
        if (!handle) {
          throw new ChassisError(
            'CHASSIS_E_FACADE_NO_DRIVER',
            `No driver instance is bound to resource "${resourceId}" (driver ${resource.driverId}); start the driver first.`,
            { details: { ...where, driverId: resource.driverId } },
          );
        }
        // An upgrade may have rebound the compartment while this call was queued: the bag
        // must be the one of the version that actually runs it.
        const same = handle.id === binding.driverId && handle.version === binding.version;
        const props = same
          ? properties
          : await this.#properties(resource, { driverId: handle.id, version: handle.version });
        // The version's implementation of the point, as bound in its CAR container.
        return implementationOf(handle, pointId).invoke(
          method,
          { ...ctx, properties: props },
          args,
          deadline === Number.POSITIVE_INFINITY ? { signal } : { signal, deadline },
        ) as Promise<R>;
      },
      {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.suspendTimeoutMs === undefined
          ? {}
          : { suspendTimeoutMs: options.suspendTimeoutMs }),
      },
    );
  }

  async #properties(resource: Resource, binding: ResourceBinding): Promise<PropertyBag> {
    const bag = await this.configurations.propertiesFor(resource, binding);
    if (bag === undefined) {
      throw new ChassisError(
        'CHASSIS_E_FACADE_NOT_CONFIGURED',
        `Resource "${resource.id}" has no configuration for driver ${binding.driverId}@${binding.version}; configure it before calling the driver.`,
        {
          details: {
            resourceId: resource.id,
            driverId: binding.driverId,
            version: binding.version,
          },
        },
      );
    }
    return bag;
  }
}
