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
  type SealedProperties,
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
import { type ResourceReconcileResult, reconcileResources } from './resource-reconcile.js';
import { unavailableHandle } from './unavailable-handle.js';

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

const key = resourceKey;

/**
 * Resources and their configurations: validated against the serving version's property
 * descriptor before anything is stored, stored with secrets sealed, served to the facade
 * router as frozen property bags. An invalid change leaves the old configuration in force.
 */
export class ResourceService implements ConfigurationLookup, ResourceBindings {
  /** Validated bag per resource, for the version it was last validated against. */
  readonly #bags = new Map<string, { readonly version: string; readonly bag: PropertyBag }>();
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
  async boundVersions(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (const { value } of await this.store.list<ResourceRecord>('resources/')) {
      const set = out.get(value.binding.driverId) ?? new Set<string>();
      set.add(value.binding.version);
      out.set(value.binding.driverId, set);
    }
    return out;
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
        this.#bags.set(value.resource.id, { version, bag: this.#validate(loaded, opened) });
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
      this.#bags.set(id, { version: value.binding.version, bag: this.#validate(loaded, opened) });
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
    this.#bags.set(input.id, { version: d.version, bag });
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
    this.#bags.set(id, { version: entry.binding.version, bag: next });
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
    const failures: { resource: string; violations: unknown }[] = [];
    for (const id of resourceIds) {
      const current = this.#bags.get(id);
      if (!current) continue;
      try {
        this.#validate(target, current.bag);
      } catch (err) {
        if (!ChassisError.is(err, 'CHASSIS_E_PROPS_INVALID')) throw err;
        failures.push({ resource: id, violations: err.details.violations });
      }
    }
    return failures;
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
    return this.#fit(resource.id, binding.version);
  }

  /**
   * Before resources move to `to`: every configuration must be valid for it (a new required
   * property, a shorter limit...). Throws one `CHASSIS_E_PROPS_INVALID` naming every resource
   * and violation, and nothing moves.
   */
  checkMove(resourceIds: readonly string[], to: LoadedVersion): void {
    const failures = this.invalidFor(resourceIds, to);
    if (failures.length > 0) {
      const d = to.descriptor;
      throw new ChassisError(
        'CHASSIS_E_PROPS_INVALID',
        `The configuration of ${failures.map((f) => f.resource).join(', ')} is not valid for ${d.id}@${d.version}; configure values valid for both versions, then upgrade again`,
        { details: { driver: d.id, version: d.version, resources: failures } },
      );
    }
  }

  /** The bag of `id` valid for `version`, re-validated (defaults filled) when the version changed. */
  #fit(id: string, version: string): PropertyBag | undefined {
    const current = this.#bags.get(id);
    if (!current || current.version === version) return current?.bag;
    const entry = this.placed.find(id);
    const v = entry && this.manager.drivers.get(entry.binding.driverId)?.loaded.get(version);
    if (!v) return current.bag;
    const bag = this.#validate(v, current.bag);
    this.#bags.set(id, { version, bag });
    return bag;
  }

  #validate(
    v: Pick<LoadedVersion, 'descriptor' | 'messages'>,
    bag: Readonly<Record<string, unknown>>,
  ): PropertyBag {
    const plain: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(bag))
      plain[k] = value instanceof Date ? value.toISOString() : value;
    return validateProperties(v.descriptor.properties ?? [], plain, {
      messages: v.messages,
      driver: v.descriptor.id,
    });
  }
}
