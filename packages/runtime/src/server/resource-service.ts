import {
  applyConfigChange,
  ChassisError,
  type ConfigurationLookup,
  type DriverHandle,
  maskSecrets,
  type PropertyBag,
  type Resource,
  type ResourceBinding,
  type ResourceRegistry,
  type SecretBox,
  type StateStore,
  updateState,
  validateProperties,
} from '@chassis/kernel';
import type { ResourceInfo } from '../api/runtime-api.js';
import type { DriverManager } from '../manager/driver-manager.js';
import type { LoadedVersion, ResourceBindings } from '../manager/types.js';
import { readResourceState, rebindRecords, resourceKey } from '../state/resource-records.js';
import { PlacedResources, type ResourcePlacement } from './placement.js';
import { ValidatedBags } from './resource-bags.js';
import { type ResourceReconcileResult, reconcileResources } from './resource-reconcile.js';
import { boundVersions, type CreateResourceInput, type ResourceRecord } from './resource-record.js';
import { unavailableHandle } from './unavailable-handle.js';

/** The bag of a resource placed elsewhere that no loaded version here can validate. */
const NO_PROPERTIES: PropertyBag = Object.freeze({});

export type { CreateResourceInput, ResourceRecord } from './resource-record.js';

const key = resourceKey;

/**
 * Resources and their configurations: validated against the serving version's property
 * descriptor before anything is stored, stored with secrets sealed, served to the facade
 * router as frozen property bags. An invalid change leaves the old configuration in force.
 */
export class ResourceService implements ConfigurationLookup, ResourceBindings {
  /** Validated bag per resource, for the version it was last validated against. */
  readonly #bags = new ValidatedBags();
  /** Ids of pinned resources (mirrors the `pinned` flag of their records). */
  readonly #pinned = new Set<string>();
  /** Record version last taken in per resource (cluster reconciliation). */
  readonly #seen = new Map<string, number>();
  /** Every resource: local compartments (the runtime's registry) and those placed elsewhere. */
  readonly placed: PlacedResources;

  constructor(
    private readonly store: StateStore,
    registry: ResourceRegistry<DriverHandle>,
    private readonly box: SecretBox,
    private readonly manager: DriverManager,
    /** Cluster mode: which resources run here (see {@link ResourcePlacement}). */
    placement?: ResourcePlacement,
  ) {
    this.placed = new PlacedResources(registry, placement);
  }

  /** The handle of the loaded version serving `binding` here (or one failing with NO_DRIVER). */
  localHandle(binding: ResourceBinding): DriverHandle {
    const loaded = this.manager.drivers.get(binding.driverId)?.loaded.get(binding.version);
    return loaded?.handle ?? unavailableHandle(binding.driverId, binding.version);
  }

  /** Every resource id known here (local and placed elsewhere), sorted. */
  ids(): string[] {
    return this.placed.list().map((e) => e.resource.id);
  }

  /** Which versions persisted resources are bound to (the manager loads those at boot). */
  boundVersions(): Promise<Map<string, Set<string>>> {
    return boundVersions(this.store);
  }

  /** Registers every persisted resource on the instance of its bound version (after the manager restored). */
  async restore(): Promise<void> {
    for (const { value } of await this.store.list<ResourceRecord>('resources/')) {
      const { driverId, version } = value.binding;
      if (value.pinned) this.#pinned.add(value.resource.id);
      const loaded = this.manager.drivers.get(driverId)?.loaded.get(version);
      this.placed.add(value.resource, value.binding, () => this.localHandle(value.binding));
      if (loaded) {
        // Re-validated so defaults a newer version added are filled in.
        const opened = this.box.open(value.properties, loaded.descriptor.properties ?? []);
        this.#bags.validate(value.resource.id, version, loaded, opened);
      }
    }
  }

  /**
   * Takes in a record another server wrote (cluster mode): pin flag and configuration (the bag
   * re-opened and validated for the bound version). False when the bound version is not loaded
   * here yet, or cannot validate the configuration (the previous bag stays): try again later.
   */
  refresh(value: ResourceRecord): boolean {
    const id = value.resource.id;
    if (value.pinned) this.#pinned.add(id);
    else this.#pinned.delete(id);
    const loaded = this.manager.drivers
      .get(value.binding.driverId)
      ?.loaded.get(value.binding.version);
    if (!loaded) return false;
    try {
      const opened = this.box.open(value.properties, loaded.descriptor.properties ?? []);
      this.#bags.validate(id, value.binding.version, loaded, opened);
      return true;
    } catch (err) {
      // Refused by this version's descriptor: the old bag stays in force, as for configure().
      if (!ChassisError.is(err, 'CHASSIS_E_PROPS_INVALID')) throw err;
      return false;
    }
  }

  /**
   * Cluster mode: converges to the `resources/` records other servers wrote (new, deleted and
   * rebound resources, configurations, pins) and to the placement (a resource whose ownership
   * changed moves between the local and the remote registry). See {@link reconcileResources}.
   */
  reconcile(): Promise<ResourceReconcileResult> {
    return reconcileResources(this, this.store, this.manager, this.#seen);
  }

  /** Forgets a resource whose record another server deleted: its compartment closes. */
  async forget(id: string): Promise<void> {
    if (this.placed.find(id)) await this.placed.remove(id);
    this.#bags.delete(id);
    this.#pinned.delete(id);
  }

  /** Closes the compartments of resources placed elsewhere (at server stop). */
  close(): Promise<void> {
    return this.placed.close();
  }

  /** Creates a resource bound to the driver's active version, with a validated configuration. */
  async create(input: CreateResourceInput): Promise<ResourceInfo> {
    if (this.placed.find(input.id)) {
      throw new ChassisError(
        'CHASSIS_E_RESOURCE_DUPLICATE',
        `A resource "${input.id}" already exists`,
        { details: { resource: input.id } },
      );
    }
    const active = this.manager.active(input.driverId);
    const d = active.descriptor;
    const bag = validateProperties(d.properties ?? [], input.properties, {
      messages: active.messages,
      driver: d.id,
    });
    const resource: Resource = {
      id: input.id,
      kind: input.kind,
      category: d.category,
      driverId: d.id,
      ...(input.name ? { name: input.name } : {}),
    };
    const binding = { driverId: d.id, version: d.version };
    const record: ResourceRecord = {
      resource,
      binding,
      properties: this.box.seal(bag, d.properties ?? []),
    };
    await this.store.put(key(input.id), record, 0);
    // A reconciliation pass may have seen the new record (cluster mode) and registered it already.
    if (!this.placed.find(input.id)) this.placed.add(resource, binding, () => active.handle);
    this.#bags.set(input.id, d.version, bag);
    return this.info(input.id);
  }

  /** Validates `change` against the serving version's descriptor, then stores and applies it. */
  async configure(id: string, change: Readonly<Record<string, unknown>>): Promise<ResourceInfo> {
    const entry = this.placed.get(id);
    const v = this.manager.drivers.get(entry.binding.driverId)?.loaded.get(entry.binding.version);
    if (!v) {
      throw new ChassisError(
        'CHASSIS_E_FACADE_NO_DRIVER',
        `${entry.binding.driverId}@${entry.binding.version} is not loaded; its configuration cannot be validated now`,
        {
          details: { resource: id, ...entry.binding },
        },
      );
    }
    const descriptor = v.descriptor.properties ?? [];
    const stored = await this.store.get<ResourceRecord>(key(id));
    if (!stored)
      throw new ChassisError(
        'CHASSIS_E_RESOURCE_NOT_FOUND',
        `Resource "${id}" has no stored record`,
        { details: { resource: id } },
      );
    const next = applyConfigChange(descriptor, this.#fit(id, entry.binding.version), change, {
      messages: v.messages,
      driver: v.descriptor.id,
    });
    await this.store.put(
      key(id),
      { ...stored.value, properties: this.box.seal(next, descriptor) },
      stored.version,
    );
    this.#bags.set(id, entry.binding.version, next);
    return this.info(id);
  }

  /**
   * Persists that `ids` moved to `binding` (upgrade, rollback, forced uninstall, recovery): the
   * manager acknowledges a move only after this resolves. The validated bags follow lazily
   * (re-validated for the new version on first use).
   */
  rebind(
    ids: readonly string[],
    binding: ResourceBinding,
    states?: ReadonlyMap<string, unknown>,
  ): Promise<void> {
    return rebindRecords(this.store, ids, binding, states);
  }

  /** The driver-owned state stored with a resource, for `migrate`. */
  stateOf(id: string): Promise<unknown> {
    return readResourceState(this.store, id);
  }

  /**
   * Removes a resource: refused with `CHASSIS_E_RESOURCE_BUSY` while an operation runs or
   * waits, unless `force`; then its compartment closes (finishing what runs) and its record,
   * sealed secrets included, is deleted. Nothing of it stays in memory.
   */
  async remove(id: string, options: { readonly force?: boolean } = {}): Promise<void> {
    const entry = this.placed.get(id);
    const c = entry.compartment;
    if (!options.force && (c.busy || c.queued > 0)) {
      throw new ChassisError(
        'CHASSIS_E_RESOURCE_BUSY',
        `Resource "${id}" has ${c.busy ? 'an operation running' : ''}${c.busy && c.queued ? ' and ' : ''}${c.queued ? `${c.queued} queued` : ''}; wait for them to finish, or delete with force`,
        { details: { resource: id, running: c.busy, queued: c.queued } },
      );
    }
    const stored = await this.store.get<ResourceRecord>(key(id));
    await this.placed.remove(id);
    if (stored) await this.store.delete(key(id), stored.version);
    this.#bags.delete(id);
    this.#pinned.delete(id);
  }

  /** True when `id` is pinned (whole-driver upgrades skip it). */
  pinned(id: string): boolean {
    return this.#pinned.has(id);
  }

  /** Persists the pin flag of a resource, then mirrors it in memory. */
  async setPinned(id: string, pinned: boolean): Promise<void> {
    this.placed.get(id);
    await updateState<ResourceRecord>(this.store, key(id), (r) =>
      r ? { ...r, pinned } : undefined,
    );
    if (pinned) this.#pinned.add(id);
    else this.#pinned.delete(id);
  }

  /**
   * Every configuration among `resourceIds` that is not valid for a target descriptor, with
   * its violations (pure check: nothing is stored or moved). Used by the upgrade plan.
   */
  invalidFor(
    resourceIds: readonly string[],
    target: Pick<LoadedVersion, 'descriptor' | 'messages'>,
  ): { resource: string; violations: unknown }[] {
    return this.#bags.invalidFor(resourceIds, target);
  }

  /** The resource as operators see it: configuration masked. */
  info(id: string): ResourceInfo {
    const e = this.placed.get(id);
    const descriptor =
      this.manager.drivers.get(e.binding.driverId)?.loaded.get(e.binding.version)?.descriptor
        .properties ?? [];
    return {
      resource: e.resource,
      binding: e.binding,
      configuration: maskSecrets(descriptor, { ...(this.#fit(id, e.binding.version) ?? {}) }),
      state: e.compartment.state,
      queued: e.compartment.queued,
      ...(this.#pinned.has(id) ? { pinned: true } : {}),
    };
  }

  /** For the facade router: the bag of a resource, validated for the version serving it. */
  propertiesFor(resource: Resource, binding: ResourceBinding): PropertyBag | undefined {
    const bag = this.#fit(resource.id, binding.version);
    // Placed on another member whose version this one cannot load (its trust refused it): the
    // owner runs the call with its own configuration, so an empty bag lets it be forwarded.
    if (bag === undefined && this.placed.remote.find(resource.id)) return NO_PROPERTIES;
    return bag;
  }

  /**
   * Before resources move to `to`: every configuration must be valid for it (a new required
   * property, a shorter limit...). Throws one `CHASSIS_E_PROPS_INVALID` naming every resource
   * and violation, and nothing moves.
   */
  checkMove(resourceIds: readonly string[], to: LoadedVersion): void {
    this.#bags.assertValidFor(resourceIds, to);
  }

  /** The bag of `id` valid for `version`, re-validated (defaults filled) when the version changed. */
  #fit(id: string, version: string): PropertyBag | undefined {
    return this.#bags.fit(id, version, (v) => {
      const entry = this.placed.find(id);
      return entry && this.manager.drivers.get(entry.binding.driverId)?.loaded.get(v);
    });
  }
}
