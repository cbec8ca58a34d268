import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChassisError,
  type DriverHandle,
  type InvokeOptions,
  type Resource,
  type ResourceBinding,
} from '@chassis/kernel';
import type { Forwarder, MemberAddress } from '../types.js';
import type { OwnerDirectory } from './owner-directory.js';

/** What a remote handle needs from its member. */
export interface RemoteHandleContext {
  readonly memberId: string;
  readonly owners: Pick<OwnerDirectory, 'ownerOf'>;
  /** Forward mode; absent: refuse with `CHASSIS_E_CLUSTER_NOT_OWNER`. */
  readonly forwarder?: Forwarder;
  /** How long a call waits for a resource with no live owner (takeover in progress). */
  readonly ownerWaitMs: number;
  /** Re-read period while waiting for an owner. */
  readonly pollMs: number;
}

/** `CHASSIS_E_CLUSTER_NOT_OWNER`, naming the owner (refuse mode, or a lifecycle call). */
export function notOwner(resource: Resource, owner: MemberAddress, what: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CLUSTER_NOT_OWNER',
    `Resource "${resource.id}" is owned by member "${owner.memberId}"${owner.url ? ` (${owner.url})` : ''}; this member does not ${what}: send the call to the owner`,
    { details: { resource: resource.id, owner: owner.memberId, url: owner.url } },
  );
}

function ownerUnavailable(resource: Resource, waitedMs: number, detail: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE',
    `Resource "${resource.id}" has no live owner ${detail} (waited ${waitedMs} ms); its lease is being taken over: retry after the lease TTL`,
    { details: { resource: resource.id, retryable: true, waitedMs } },
  );
}

/** A forwarding failure that proves the call did not run anywhere (safe to send again). */
function retryable(err: unknown): boolean {
  if (!ChassisError.is(err)) return false;
  const d = err.details as { retryable?: unknown; ambiguous?: unknown };
  if (err.code === 'CHASSIS_E_CLUSTER_NOT_OWNER') return d.retryable === true;
  return (
    err.code === 'CHASSIS_E_CLUSTER_FORWARD_FAILED' && d.retryable === true && d.ambiguous !== true
  );
}

/**
 * The handle a member binds a resource another member owns to. Each `invoke` looks the owner
 * up (cached, see {@link OwnerDirectory}); with no live owner it waits, bounded by
 * `ownerWaitMs` and the caller's signal, then fails with the retryable
 * `CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE`. A live owner gets the call through the forwarder, or,
 * in refuse mode, the call fails with `CHASSIS_E_CLUSTER_NOT_OWNER` naming it. If ownership
 * just moved to this member, the call fails retryably too: the member opens the local
 * compartment on its next reconciliation and the retry runs there. Lifecycle calls are refused:
 * only the owner runs a driver for its resources.
 */
export function remoteHandle(
  ctx: RemoteHandleContext,
  resource: Resource,
  binding: ResourceBinding,
): DriverHandle {
  const forwarded = new Map<string, DriverHandle>();
  const handleOf = (owner: MemberAddress): DriverHandle | undefined => {
    if (!ctx.forwarder) return undefined;
    const key = `${owner.memberId}\0${owner.url}`;
    let h = forwarded.get(key);
    if (!h) {
      h = ctx.forwarder.handleFor(resource.id, binding, owner);
      forwarded.set(key, h);
    }
    return h;
  };
  // Set after a refused forward: the next owner look-up reads the database, not the cache.
  let fresh = false;
  const owner = async (signal: AbortSignal | undefined): Promise<MemberAddress> => {
    const started = Date.now();
    let maxAge: number | undefined = fresh ? 0 : undefined;
    fresh = false;
    for (;;) {
      const o = await ctx.owners.ownerOf(resource.id, maxAge);
      const waited = Date.now() - started;
      if (o && o.memberId !== ctx.memberId) return o;
      if (o) throw ownerUnavailable(resource, waited, 'on another member: it is moving here');
      if (waited >= ctx.ownerWaitMs) throw ownerUnavailable(resource, waited, 'yet');
      signal?.throwIfAborted();
      await sleep(Math.min(ctx.pollMs, ctx.ownerWaitMs - waited), undefined, {
        ...(signal ? { signal } : {}),
      });
      maxAge = 0;
    }
  };
  /**
   * One call through the owner's channel. A refusal that says nothing ran (the owner no longer
   * owns it, or the call was not delivered: the owner died) is retried on the owner read anew,
   * within `ownerWaitMs`; an ambiguous failure is never retried, so a call runs at most once.
   */
  const forward = async <T>(
    options: InvokeOptions | undefined,
    call: (h: DriverHandle) => Promise<T>,
  ): Promise<T> => {
    const started = Date.now();
    for (;;) {
      const o = await owner(options?.signal);
      const h = handleOf(o);
      if (!h) throw notOwner(resource, o, 'forward calls (cluster.forward is "refuse")');
      try {
        return await call(h);
      } catch (err) {
        if (!retryable(err) || Date.now() - started >= ctx.ownerWaitMs) throw err;
        options?.signal?.throwIfAborted();
        await sleep(ctx.pollMs, undefined, options?.signal ? { signal: options.signal } : {});
        fresh = true;
      }
    }
  };
  const refuse = async (what: string): Promise<never> => {
    const o = await ctx.owners.ownerOf(resource.id);
    throw o ? notOwner(resource, o, what) : ownerUnavailable(resource, 0, 'yet');
  };
  return {
    id: binding.driverId,
    version: binding.version,
    tier: 'in-process',
    start: () => refuse('run its driver lifecycle'),
    stop: () => refuse('run its driver lifecycle'),
    migrate: () => refuse('run its driver lifecycle'),
    health: (options?: InvokeOptions) => forward(options, (h) => h.health(options)),
    invoke: (point, method, invocation, args, options?: InvokeOptions) =>
      forward(options, (h) => h.invoke(point, method, invocation, args, options)),
    dispose: async () => {},
  };
}
