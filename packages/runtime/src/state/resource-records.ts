import { type ResourceBinding, type StateStore, updateState } from '@chassis/kernel';

/*
 * The persistence of the `resources/<id>` records. Their one owner is the resource service
 * (`ResourceService`: create, configure, pin, delete, and `rebind`, which calls
 * {@link rebindRecords}); a driver manager composed without one (tests, embedders) rebinds
 * through {@link storedBindings}, the same writer. `resource-records.spec.ts` fails when any other
 * module writes these records.
 */

/** The state key of a resource's record. */
export const resourceKey = (id: string): string => `resources/${id}`;

/**
 * Persists a new binding (and, when given, the driver-owned state a `migrate` returned) for
 * each resource, one compare-and-set update per record. Resolves only once every record is
 * stored: a move is acknowledged after this, never before. A resource without a record (never
 * persisted) is left alone. The one code path that rewrites `resources/<id>` bindings.
 */
export async function rebindRecords(
  store: StateStore,
  ids: readonly string[],
  binding: ResourceBinding,
  states?: ReadonlyMap<string, unknown>,
): Promise<void> {
  for (const id of ids) {
    await updateState<{ binding: ResourceBinding; state?: unknown }>(store, resourceKey(id), (r) =>
      r
        ? {
            ...r,
            binding: { driverId: binding.driverId, version: binding.version },
            ...(states?.has(id) ? { state: states.get(id) } : {}),
          }
        : undefined,
    );
  }
}

/** The driver-owned state stored with a resource (`null` when none). */
export async function readResourceState(store: StateStore, id: string): Promise<unknown> {
  return (await store.get<{ state?: unknown }>(resourceKey(id)))?.value.state ?? null;
}

/**
 * {@link ResourceBindings}-shaped writer over a bare store, for a manager composed without a
 * resource service (tests, embedders); a server passes its resource service instead.
 */
export function storedBindings(store: StateStore): {
  rebind(
    ids: readonly string[],
    binding: ResourceBinding,
    states?: ReadonlyMap<string, unknown>,
  ): Promise<void>;
  stateOf(id: string): Promise<unknown>;
} {
  return {
    rebind: (ids, binding, states) => rebindRecords(store, ids, binding, states),
    stateOf: (id) => readResourceState(store, id),
  };
}
