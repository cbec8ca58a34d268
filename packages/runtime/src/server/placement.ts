import {
  ChassisError,
  type DriverHandle,
  type Resource,
  type ResourceBinding,
  type ResourceEntry,
  type ResourceLookup,
  ResourceRegistry,
} from '@chassis/kernel';
import { swapResources } from '../upgrade/swap.js';

/**
 * Where a resource's compartment runs (cluster mode). A server without a placement runs every
 * resource itself. With one, it opens a local compartment (in the runtime's registry, the one
 * the driver manager moves during upgrades) only for the resources it `owns`; every other
 * resource is registered apart and bound to `remoteHandle`, which forwards each call to the
 * owner or refuses it (`CHASSIS_E_CLUSTER_NOT_OWNER` naming the owner).
 */
export interface ResourcePlacement {
  /** True when this server holds the resource's ownership (its lease) now. */
  owns(resourceId: string): boolean;
  /** The handle a resource owned elsewhere is bound to, for the version it is bound to. */
  remoteHandle(resource: Resource, binding: ResourceBinding): DriverHandle;
}

const byId = (a: ResourceEntry<DriverHandle>, b: ResourceEntry<DriverHandle>) =>
  a.resource.id < b.resource.id ? -1 : a.resource.id > b.resource.id ? 1 : 0;

/**
 * The runtime's resources split by placement: `local` (the runtime's registry: compartments
 * running the driver here) and `remote` (compartments bound to the placement's handle). Lookups
 * see both; a resource is in exactly one of them.
 */
export class PlacedResources implements ResourceLookup {
  readonly remote = new ResourceRegistry<DriverHandle>();

  constructor(
    readonly local: ResourceRegistry<DriverHandle>,
    readonly placement?: ResourcePlacement,
  ) {}

  /** True when the resource's compartment belongs here (always, without a placement). */
  owns(id: string): boolean {
    return this.placement?.owns(id) ?? true;
  }

  find(id: string): ResourceEntry<DriverHandle> | undefined {
    return this.local.find(id) ?? this.remote.find(id);
  }

  /** The entry, or `CHASSIS_E_RESOURCE_NOT_FOUND`. */
  get(id: string): ResourceEntry<DriverHandle> {
    return this.remote.find(id) ?? this.local.get(id);
  }

  list(): ResourceEntry<DriverHandle>[] {
    return [...this.local.list(), ...this.remote.list()].sort(byId);
  }

  /** The resources bound to `driverId` (at `version`), wherever their compartment runs. */
  boundTo(driverId: string, version?: string): ResourceEntry<DriverHandle>[] {
    return [...this.local.boundTo(driverId, version), ...this.remote.boundTo(driverId, version)];
  }

  /** True when the resource runs here (it is in the local registry). */
  isLocal(id: string): boolean {
    return this.local.find(id) !== undefined;
  }

  /** Registers a resource where its placement says; `local()` gives the handle of the version here. */
  add(resource: Resource, binding: ResourceBinding, local: () => DriverHandle): void {
    if (this.owns(resource.id)) this.local.add(resource, binding, local());
    else this.remote.add(resource, binding, this.#remoteHandle(resource, binding));
  }

  async remove(id: string): Promise<void> {
    if (this.local.find(id)) await this.local.remove(id);
    else await this.remote.remove(id);
  }

  /**
   * Moves a resource to the registry its placement says now (ownership gained or lost). Work in
   * flight finishes where it runs; work still queued on the old compartment is rejected with
   * `CHASSIS_E_RESOURCE_CLOSED` (the caller retries, and lands on the new placement). Returns
   * true when it moved.
   */
  async place(id: string, local: () => DriverHandle): Promise<boolean> {
    const entry = this.find(id);
    if (!entry) return false;
    const here = this.isLocal(id);
    if (here === this.owns(id)) return false;
    const { resource, binding } = entry;
    await (here ? this.local : this.remote).remove(id);
    // Ownership may have changed again while the old compartment drained: follow it.
    if (!this.find(id)) this.add(resource, binding, local);
    return true;
  }

  /** Rebinds a resource to another version (another member moved it), keeping queued work. */
  async rebind(id: string, binding: ResourceBinding, local: () => DriverHandle): Promise<void> {
    const entry = this.get(id);
    const here = this.isLocal(id);
    const handle = here ? local() : this.#remoteHandle(entry.resource, binding);
    await swapResources(here ? this.local : this.remote, [entry], {
      version: binding.version,
      handle,
    });
  }

  /** Closes the remote compartments (the server closes the local ones). */
  async close(): Promise<void> {
    await this.remote.clear();
  }

  #remoteHandle(resource: Resource, binding: ResourceBinding): DriverHandle {
    if (!this.placement) {
      throw new ChassisError(
        'CHASSIS_E_INTERNAL',
        `Resource "${resource.id}" is placed elsewhere but this server has no placement`,
        { details: { resource: resource.id } },
      );
    }
    return this.placement.remoteHandle(resource, binding);
  }
}
