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
  validateProperties,
} from '@chassis/kernel';
import type { ResourceInfo } from '../api/runtime-api.js';
import type { DriverManager } from '../manager/driver-manager.js';
import { unavailableHandle } from './unavailable-handle.js';

/** A resource as persisted under `resources/<id>`: secrets sealed, never in clear. */
export interface ResourceRecord {
  readonly resource: Resource;
  readonly binding: ResourceBinding;
  readonly properties: SealedProperties;
  /** Driver-owned per-resource state (passed to `migrate` on upgrades). */
  readonly state?: unknown;
}

/** Input of {@link ResourceService.create}. */
export interface CreateResourceInput {
  readonly id: string;
  readonly kind: string;
  readonly driverId: string;
  readonly name?: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

const key = (id: string) => `resources/${id}`;

/**
 * Resources and their configurations: validated against the serving version's property
 * descriptor before anything is stored, stored with secrets sealed, served to the facade
 * router as frozen property bags. An invalid change leaves the old configuration in force.
 */
export class ResourceService implements ConfigurationLookup {
  readonly #bags = new Map<string, PropertyBag>();

  constructor(
    private readonly store: StateStore,
    private readonly registry: ResourceRegistry<DriverHandle>,
    private readonly box: SecretBox,
    private readonly manager: DriverManager,
  ) {}

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
      const loaded = this.manager.drivers.get(driverId)?.loaded.get(version);
      this.registry.add(
        value.resource,
        value.binding,
        loaded?.handle ?? unavailableHandle(driverId, version),
      );
      if (loaded)
        this.#bags.set(
          value.resource.id,
          this.box.open(value.properties, loaded.descriptor.properties ?? []),
        );
    }
  }

  /** Creates a resource bound to the driver's active version, with a validated configuration. */
  async create(input: CreateResourceInput): Promise<ResourceInfo> {
    if (this.registry.find(input.id)) {
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
    this.registry.add(resource, binding, active.handle);
    this.#bags.set(input.id, bag);
    return this.info(input.id);
  }

  /** Validates `change` against the serving version's descriptor, then stores and applies it. */
  async configure(id: string, change: Readonly<Record<string, unknown>>): Promise<ResourceInfo> {
    const entry = this.registry.get(id);
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
    const next = applyConfigChange(descriptor, this.#bags.get(id), change, {
      messages: v.messages,
      driver: v.descriptor.id,
    });
    await this.store.put(
      key(id),
      { ...stored.value, properties: this.box.seal(next, descriptor) },
      stored.version,
    );
    this.#bags.set(id, next);
    return this.info(id);
  }

  /** Removes a resource: its compartment finishes in-flight work first. */
  async remove(id: string): Promise<void> {
    const stored = await this.store.get<ResourceRecord>(key(id));
    await this.registry.remove(id);
    if (stored) await this.store.delete(key(id), stored.version);
    this.#bags.delete(id);
  }

  /** The resource as operators see it: configuration masked. */
  info(id: string): ResourceInfo {
    const e = this.registry.get(id);
    const descriptor =
      this.manager.drivers.get(e.binding.driverId)?.loaded.get(e.binding.version)?.descriptor
        .properties ?? [];
    return {
      resource: e.resource,
      binding: e.binding,
      configuration: maskSecrets(descriptor, { ...(this.#bags.get(id) ?? {}) }),
      state: e.compartment.state,
      queued: e.compartment.queued,
    };
  }

  /** For the facade router: the validated bag of a resource. */
  propertiesFor(resource: Resource): PropertyBag | undefined {
    return this.#bags.get(resource.id);
  }
}
