import type { Resource, ResourceBinding, SealedProperties, StateStore } from '@chassis/kernel';

/** A resource as persisted under `resources/<id>`: secrets sealed, never in clear. */
export interface ResourceRecord {
  readonly resource: Resource;
  readonly binding: ResourceBinding;
  readonly properties: SealedProperties;
  /** Driver-owned per-resource state (passed to `migrate` on upgrades). */
  readonly state?: unknown;
  /** Held on its version: whole-driver upgrades leave it. */
  readonly pinned?: boolean;
}

/** Input of {@link ResourceService.create}. */
export interface CreateResourceInput {
  readonly id: string;
  readonly kind: string;
  readonly driverId: string;
  readonly name?: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Which versions persisted resources are bound to, per driver (every member's resources). */
export async function boundVersions(store: StateStore): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const { value } of await store.list<ResourceRecord>('resources/')) {
    const set = out.get(value.binding.driverId) ?? new Set<string>();
    set.add(value.binding.version);
    out.set(value.binding.driverId, set);
  }
  return out;
}
