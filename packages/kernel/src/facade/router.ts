import type { DriverCategory } from '../descriptor/driver-descriptor.js';
import type { DriverHandle, PropertyBag } from '../driver/driver-definition.js';
import type { Dto } from '../dto.js';
import { ChassisError } from '../errors/chassis-error.js';
import type { ExtensionPoint } from '../extension/extension-point.js';
import { implementationOf } from '../extension/implementation.js';
import type {
  Compartment,
  Resource,
  ResourceBinding,
  SubmitOptions,
} from '../resource/resource.js';
import { isThenable } from '../resource/submit-options.js';

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
  call<R = unknown>(
    resourceId: string,
    point: string | ExtensionPoint<unknown>,
    method: string,
    args: readonly unknown[],
    options: RouteOptions = {},
  ): Promise<R> {
    // Not `async`: a synchronous configuration lookup (the usual one) costs no promise hop, and
    // every error still reaches the caller as a rejection, never a synchronous throw.
    try {
      const pointId = typeof point === 'string' ? point : point.id;
      const entry = this.#entry(resourceId, pointId, method, options.category);
      const bag = this.configurations.propertiesFor(entry.resource, entry.binding);
      if (isThenable(bag)) {
        return Promise.resolve(bag).then((b) =>
          this.#submit<R>(
            entry,
            pointId,
            method,
            args,
            options,
            checked(entry.resource, entry.binding, b),
          ),
        );
      }
      return this.#submit<R>(
        entry,
        pointId,
        method,
        args,
        options,
        checked(entry.resource, entry.binding, bag),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #entry(
    resourceId: string,
    pointId: string,
    method: string,
    category: DriverCategory | undefined,
  ): RoutableResource {
    const entry = this.resources.find(resourceId);
    if (!entry) {
      throw new ChassisError(
        'CHASSIS_E_RESOURCE_NOT_FOUND',
        `No resource "${resourceId}" is registered; check the id or register the resource first.`,
        { details: { resourceId, point: pointId, method } },
      );
    }
    const { resource } = entry;
    if (category !== undefined && resource.category !== category) {
      throw new ChassisError(
        'CHASSIS_E_FACADE_WRONG_CATEGORY',
        `Resource "${resourceId}" is a ${resource.category} resource (driver ${resource.driverId}); the ${category} facade cannot call ${pointId}.${method} on it.`,
        {
          details: {
            resourceId,
            category: resource.category,
            expected: category,
            point: pointId,
            method,
          },
        },
      );
    }
    return entry;
  }

  /** Runs the call in the resource's compartment, on whichever handle is bound when it starts. */
  #submit<R>(
    entry: RoutableResource,
    pointId: string,
    method: string,
    args: readonly unknown[],
    options: RouteOptions,
    properties: PropertyBag,
  ): Promise<R> {
    const { resource, binding } = entry;
    const resourceId = resource.id;
    const dto = resourceDto(resource);
    const locale = options.locale ?? 'en';
    // Not `async`: the handle's promise is returned as it is (no wrapping promise per call); a
    // throw here rejects the call through the compartment.
    return entry.compartment.submit((handle, signal, deadline) => {
      if (!handle) {
        throw new ChassisError(
          'CHASSIS_E_FACADE_NO_DRIVER',
          `No driver instance is bound to resource "${resourceId}" (driver ${resource.driverId}); start the driver first.`,
          { details: { resourceId, point: pointId, method, driverId: resource.driverId } },
        );
      }
      const invoke = (props: PropertyBag) =>
        // The version's implementation of the point, as bound in its CAR container.
        implementationOf(handle, pointId).invoke(
          method,
          { resource: dto, locale, properties: props },
          args,
          deadline === Number.POSITIVE_INFINITY ? { signal } : { signal, deadline },
        ) as Promise<R>;
      // An upgrade may have rebound the compartment while this call was queued: the bag must be
      // the one of the version that actually runs it.
      if (handle.id === binding.driverId && handle.version === binding.version)
        return invoke(properties);
      return this.#properties(resource, { driverId: handle.id, version: handle.version }).then(
        invoke,
      );
    }, submitOptions(options));
  }

  async #properties(resource: Resource, binding: ResourceBinding): Promise<PropertyBag> {
    return checked(resource, binding, await this.configurations.propertiesFor(resource, binding));
  }
}

/** The bag, or `CHASSIS_E_FACADE_NOT_CONFIGURED` when the resource has none for `binding`. */
function checked(
  resource: Resource,
  binding: ResourceBinding,
  bag: PropertyBag | undefined,
): PropertyBag {
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

const NO_SUBMIT_OPTIONS: SubmitOptions = Object.freeze({});

/** The compartment's share of a facade call's options (no object when there is none). */
function submitOptions(options: RouteOptions): SubmitOptions {
  const { signal, timeoutMs, suspendTimeoutMs } = options;
  if (signal === undefined && timeoutMs === undefined && suspendTimeoutMs === undefined)
    return NO_SUBMIT_OPTIONS;
  const out: { -readonly [K in keyof SubmitOptions]: SubmitOptions[K] } = {};
  if (signal) out.signal = signal;
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  if (suspendTimeoutMs !== undefined) out.suspendTimeoutMs = suspendTimeoutMs;
  return out;
}
