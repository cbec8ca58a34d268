import {
  ChassisError,
  type ConfigurationLookup,
  type DriverHandle,
  type HealthStatus,
  type InvocationContext,
  implementationOf,
  type Resource,
  type ResourceEntry,
  type ResourceRegistry,
} from '@chassis/kernel';
import { forwardErrors } from './errors.js';
import { isForwardHandle } from './forward-handle.js';
import type { ForwardedHealth, ForwardedInvoke } from './protocol.js';

/** What the owner side needs to run forwarded calls. */
export interface OwnerContext {
  readonly resources: ResourceRegistry<DriverHandle>;
  readonly memberId: string;
  /** The owner's configurations: forwarded calls run with the owner's bag (see `ownerContext`). */
  readonly configurations?: ConfigurationLookup;
  /** Whether this member holds the resource's lease now (default: it hosts it). */
  readonly owns?: (resourceId: string) => boolean;
}

/** The entry of a resource this member owns and hosts, or `CHASSIS_E_CLUSTER_NOT_OWNER`. */
function ownedEntry(o: OwnerContext, resourceId: string): ResourceEntry<DriverHandle> {
  const entry = o.resources.find(resourceId);
  if (entry === undefined)
    throw forwardErrors.notOwner(o.memberId, resourceId, 'it is not registered here');
  if (o.owns !== undefined && !o.owns(resourceId))
    throw forwardErrors.notOwner(o.memberId, resourceId, 'its lease is held elsewhere');
  return entry;
}

/**
 * The invocation context the owner runs with. With the member's configurations, the bag is
 * the owner's own, for the version that actually runs (the shared state is authoritative, and
 * an upgrade may have swapped the version since the caller looked); the caller's bag then need
 * not cross the wire at all. Without them, the caller's bag is used as sent.
 */
function ownerContext(
  o: OwnerContext,
  resource: Resource,
  handle: DriverHandle,
  req: ForwardedInvoke,
): InvocationContext | Promise<InvocationContext> {
  if (o.configurations === undefined) {
    if (req.ctx.properties === undefined)
      throw forwardErrors.badRequest(o.memberId, 'ctx.properties');
    return req.ctx as InvocationContext;
  }
  const bag = o.configurations.propertiesFor(resource, {
    driverId: handle.id,
    version: handle.version,
  });
  // The runtime's lookup is synchronous: no promise hop for it on every forwarded call.
  return isThenable(bag)
    ? Promise.resolve(bag).then((b) => withBag(o, resource, handle, req, b))
    : withBag(o, resource, handle, req, bag);
}

function isThenable<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof (v as { then?: unknown } | undefined)?.then === 'function';
}

function withBag(
  o: OwnerContext,
  resource: Resource,
  handle: DriverHandle,
  req: ForwardedInvoke,
  properties: InvocationContext['properties'] | undefined,
): InvocationContext {
  if (properties === undefined)
    throw new ChassisError(
      'CHASSIS_E_FACADE_NOT_CONFIGURED',
      `Resource "${resource.id}" has no configuration for driver ${handle.id}@${handle.version} on member ${o.memberId}; configure it before calling the driver.`,
      { details: { resourceId: resource.id, driverId: handle.id, version: handle.version } },
    );
  return { ...req.ctx, properties };
}

/** A forwarding handle on the owner means ownership moved meanwhile: never forward twice. */
function hosted(o: OwnerContext, resourceId: string, handle: DriverHandle): DriverHandle {
  if (isForwardHandle(handle))
    throw forwardErrors.notOwner(o.memberId, resourceId, `it forwards to member ${handle.owner}`);
  return handle;
}

/**
 * Runs one forwarded invoke through the owner's compartment of the resource, exactly like a
 * local facade call (`FacadeRouter.call`): per-resource order, the queue and the upgrade
 * pause/drain apply. The version bound when the operation starts runs it, with the owner's
 * configuration for that version.
 */
export async function runForwardedInvoke(
  o: OwnerContext,
  req: ForwardedInvoke,
  caller: AbortSignal,
): Promise<unknown> {
  const entry = ownedEntry(o, req.resource);
  if (entry.resource.driverId !== req.binding.driverId)
    throw forwardErrors.notOwner(
      o.memberId,
      req.resource,
      `it is served by driver ${entry.resource.driverId} here, not ${req.binding.driverId}`,
    );
  return entry.compartment.submit(
    (bound, signal, runDeadline) => {
      const handle = hosted(o, req.resource, bound);
      const deadline = Math.min(runDeadline, req.deadline ?? Number.POSITIVE_INFINITY);
      const run = (ctx: InvocationContext) =>
        implementationOf(handle, req.point).invoke(
          req.method,
          ctx,
          req.args,
          deadline === Number.POSITIVE_INFINITY ? { signal } : { signal, deadline },
        );
      const ctx = ownerContext(o, entry.resource, handle, req);
      return ctx instanceof Promise ? ctx.then(run) : run(ctx);
    },
    { signal: caller },
  );
}

/** A forwarded health probe: the bound handle's `health`, outside the compartment (as locally). */
export async function runForwardedHealth(
  o: OwnerContext,
  req: ForwardedHealth,
  caller: AbortSignal,
): Promise<HealthStatus> {
  const entry = ownedEntry(o, req.resource);
  const handle = hosted(o, req.resource, entry.compartment.driver);
  return handle.health(
    req.deadline === undefined ? { signal: caller } : { signal: caller, deadline: req.deadline },
  );
}
