import type {
  DriverHandle,
  HealthStatus,
  InvocationContext,
  InvokeOptions,
  ResourceBinding,
} from '@chassis/kernel';
import type { MemberAddress } from '../types.js';
import type { ChannelClient } from './channel-client.js';
import { forwardErrors } from './errors.js';
import type { ForwardedHealth, ForwardedInvoke } from './protocol.js';

const BRAND = Symbol.for('chassis.cluster.forward-handle');

/** A {@link DriverHandle} that runs nothing itself: every call goes to the resource's owner. */
export interface ForwardHandle extends DriverHandle {
  /** The member that owns the resource and runs its driver. */
  readonly owner: string;
  readonly resourceId: string;
}

/** True for a handle made by a forwarder (from any copy of this module). */
export function isForwardHandle(value: unknown): value is ForwardHandle {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

function withoutProperties(ctx: InvocationContext): ForwardedInvoke['ctx'] {
  const { properties: _left, ...rest } = ctx;
  return rest;
}

/**
 * Makes the handle a non-owner binds `resourceId` to. `invoke` sends the call to the owner with
 * the caller's signal and deadline; `health` is forwarded too. `start`, `stop` and `migrate`
 * reject with `CHASSIS_E_CLUSTER_NOT_OWNER`: only the owner runs a driver's lifecycle. It has
 * no CAR container, so the router calls `invoke` directly (`implementationOf`), and the owner
 * checks that its bound version provides the point. `tier` is `process`: the driver runs in
 * another process (the owner's), and no kernel code branches on a remote tier.
 *
 * With `omitProperties`, the configuration bag (secret properties included) stays off the
 * wire and the owner uses its own (its channel server must have `configurations`).
 *
 * A delivery failure rejects with `CHASSIS_E_CLUSTER_FORWARD_FAILED` (`details.owner`). When
 * the connection is lost after the call was sent, the outcome is ambiguous: the owner may
 * have run the call, and `details.ambiguous` is true; it is never retried here, so a call runs
 * at most once.
 */
export function createForwardHandle(
  client: ChannelClient,
  resourceId: string,
  binding: ResourceBinding,
  owner: MemberAddress,
  omitProperties = false,
): ForwardHandle {
  const refuse = (op: string) =>
    Promise.reject(forwardErrors.lifecycleRefused(op, resourceId, owner.memberId));
  const handle: ForwardHandle = {
    id: binding.driverId,
    version: binding.version,
    tier: 'process',
    owner: owner.memberId,
    resourceId,
    start: () => refuse('start'),
    stop: () => refuse('stop'),
    migrate: () => refuse('migrate'),
    health(options?: InvokeOptions): Promise<HealthStatus> {
      const body: ForwardedHealth = {
        resource: resourceId,
        ...(options?.deadline === undefined ? {} : { deadline: options.deadline }),
      };
      return client.post(owner, 'health', body, options?.signal) as Promise<HealthStatus>;
    },
    invoke(
      point: string,
      method: string,
      ctx: InvocationContext,
      args: readonly unknown[],
      options?: InvokeOptions,
    ): Promise<unknown> {
      const body: ForwardedInvoke = {
        resource: resourceId,
        binding: { driverId: binding.driverId, version: binding.version },
        point,
        method,
        ctx: omitProperties ? withoutProperties(ctx) : ctx,
        args,
        ...(options?.deadline === undefined || !Number.isFinite(options.deadline)
          ? {}
          : { deadline: options.deadline }),
      };
      return client.post(owner, 'invoke', body, options?.signal);
    },
    // The sockets belong to the forwarder, shared by every handle: nothing to release here.
    dispose: () => Promise.resolve(),
  };
  Object.defineProperty(handle, BRAND, { value: true });
  return Object.freeze(handle);
}
