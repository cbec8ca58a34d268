import { createCompartment } from './compartment.js';
import { resourceErrors } from './errors.js';
import type { Compartment, CompartmentOptions, Resource, ResourceBinding } from './resource.js';

/** A registered resource with its current binding and its compartment. */
export interface ResourceEntry<D> {
  readonly resource: Resource;
  /** Which driver version serves the resource now (always current, even on a held entry). */
  readonly binding: ResourceBinding;
  readonly compartment: Compartment<D>;
}

class Entry<D> implements ResourceEntry<D> {
  constructor(
    readonly resource: Resource,
    public binding: ResourceBinding,
    readonly compartment: Compartment<D>,
  ) {}
}

function byId<D>(a: ResourceEntry<D>, b: ResourceEntry<D>): number {
  return a.resource.id < b.resource.id ? -1 : a.resource.id > b.resource.id ? 1 : 0;
}

/**
 * The resources the server manages, each with the driver version bound to it and its
 * compartment (the serial work queue every operation on it goes through). `D` is the driver
 * instance type operations receive. The registry holds no I/O: persisting bindings is the
 * caller's job (see the state store).
 */
export class ResourceRegistry<D> {
  private readonly entries = new Map<string, Entry<D>>();

  /** `timeoutMs`: the run deadline of operations submitted without one (see {@link CompartmentOptions}). */
  constructor(private readonly options: Pick<CompartmentOptions, 'timeoutMs'> = {}) {}

  /** Number of registered resources. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Registers `resource`, served by `binding`, with a new active compartment bound to
   * `instance`. Throws `CHASSIS_E_RESOURCE_DUPLICATE` for a known id and
   * `CHASSIS_E_RESOURCE_INVALID` for an empty id or a binding naming another driver.
   */
  add(resource: Resource, binding: ResourceBinding, instance: D): ResourceEntry<D> {
    if (typeof resource.id !== 'string' || resource.id.length === 0)
      throw resourceErrors.invalid(
        String(resource.id),
        'the resource id must be a non-empty string',
      );
    const existing = this.entries.get(resource.id);
    if (existing !== undefined)
      throw resourceErrors.duplicate(resource.id, existing.binding.driverId);
    checkBinding(resource, binding);
    const entry = new Entry(resource, binding, createCompartment(resource, instance, this.options));
    this.entries.set(resource.id, entry);
    return entry;
  }

  /** The entry for `id`; throws `CHASSIS_E_RESOURCE_NOT_FOUND`. */
  get(id: string): ResourceEntry<D> {
    const entry = this.entries.get(id);
    if (entry === undefined) throw resourceErrors.notFound(id);
    return entry;
  }

  /** The entry for `id`, or undefined. */
  find(id: string): ResourceEntry<D> | undefined {
    return this.entries.get(id);
  }

  /** Every entry, sorted by resource id. */
  list(): ResourceEntry<D>[] {
    return [...this.entries.values()].sort(byId);
  }

  /** Entries served by `driverId` (and `version`, when given), sorted by resource id. */
  boundTo(driverId: string, version?: string): ResourceEntry<D>[] {
    const out: ResourceEntry<D>[] = [];
    for (const entry of this.entries.values()) {
      if (
        entry.binding.driverId === driverId &&
        (version === undefined || entry.binding.version === version)
      )
        out.push(entry);
    }
    return out.sort(byId);
  }

  /**
   * Records which driver version serves `id` (after its compartment was rebound during an
   * upgrade). Does not touch the compartment. Throws `CHASSIS_E_RESOURCE_NOT_FOUND` or
   * `CHASSIS_E_RESOURCE_INVALID` (binding names another driver).
   */
  setBinding(id: string, binding: ResourceBinding): void {
    const entry = this.entries.get(id);
    if (entry === undefined) throw resourceErrors.notFound(id);
    checkBinding(entry.resource, binding);
    entry.binding = binding;
  }

  /**
   * Unregisters `id` at once (find() no longer sees it), then closes its compartment:
   * in-flight work finishes, queued work is rejected with `CHASSIS_E_RESOURCE_CLOSED`.
   * Throws (rejects) `CHASSIS_E_RESOURCE_NOT_FOUND`.
   */
  async remove(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (entry === undefined) throw resourceErrors.notFound(id);
    this.entries.delete(id);
    await entry.compartment.close();
  }

  /** Removes every resource (see {@link ResourceRegistry.remove}); resolves when all are closed. */
  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((entry) => entry.compartment.close()));
  }
}

function checkBinding(resource: Resource, binding: ResourceBinding): void {
  if (binding.driverId !== resource.driverId)
    throw resourceErrors.invalid(
      resource.id,
      `binding names driver "${binding.driverId}" but the resource is owned by driver "${resource.driverId}"; a binding only changes the version serving a resource`,
      { driverId: resource.driverId, bindingDriverId: binding.driverId },
    );
  if (typeof binding.version !== 'string' || binding.version.length === 0)
    throw resourceErrors.invalid(resource.id, 'the binding version must be a non-empty string', {
      driverId: binding.driverId,
    });
}
