import { applyConfigChange } from '@chassis/kernel';
import type { ResourceInfo, RuntimeApi } from '@chassis/runtime';
import { driverOf, type FakeResource, type FakeState, fail, versionOf } from './fake-state.js';
import { resourceInfo } from './fake-views.js';

/** `RuntimeApi.listResources`: sorted by id, optionally only those of one driver. */
export function listResources(
  s: FakeState,
  filter?: Parameters<RuntimeApi['listResources']>[0],
): ResourceInfo[] {
  return [...s.resources.values()]
    .filter(
      (r) =>
        (!filter?.driverId || r.binding.driverId === filter.driverId) &&
        (!filter?.version || r.binding.version === filter.version) &&
        (!filter?.state || r.state === filter.state),
    )
    .sort((a, b) => a.resource.id.localeCompare(b.resource.id))
    .map((r) => resourceInfo(s, r));
}

/** `RuntimeApi.getResource`: throws `CHASSIS_E_RESOURCE_NOT_FOUND` for an unknown id. */
export function getResource(s: FakeState, id: string): ResourceInfo {
  const r = s.resources.get(id);
  if (!r) fail('CHASSIS_E_RESOURCE_NOT_FOUND', `No resource ${id}.`, { resource: id });
  return resourceInfo(s, r);
}

/** `RuntimeApi.createResource`: binds to the driver's active version, properties validated. */
export async function createResource(
  s: FakeState,
  input: Parameters<RuntimeApi['createResource']>[0],
): Promise<ResourceInfo> {
  if (s.resources.has(input.id)) {
    fail('CHASSIS_E_RESOURCE_DUPLICATE', `Resource ${input.id} already exists.`, {
      resource: input.id,
    });
  }
  const d = driverOf(s, input.driverId);
  if (!d.active) fail('CHASSIS_E_UPGRADE_NOT_INSTALLED', `Driver ${d.id} has no active version.`);
  const v = versionOf(d, d.active);
  const config = applyConfigChange(v.descriptor.properties ?? [], undefined, input.properties, {
    messages: v.messages,
    driver: d.id,
  });
  const r: FakeResource = {
    resource: {
      id: input.id,
      kind: input.kind,
      category: v.descriptor.category,
      driverId: d.id,
      ...(input.name ? { name: input.name } : {}),
    },
    binding: { driverId: d.id, version: d.active },
    config,
    state: 'active',
  };
  s.resources.set(input.id, r);
  return resourceInfo(s, r);
}

/** `RuntimeApi.configure`: applies a change validated by the bound version's property rules. */
export async function configure(
  s: FakeState,
  resourceId: string,
  properties: Parameters<RuntimeApi['configure']>[1],
): Promise<ResourceInfo> {
  const r = s.resources.get(resourceId);
  if (!r)
    fail('CHASSIS_E_RESOURCE_NOT_FOUND', `No resource ${resourceId}.`, {
      resource: resourceId,
    });
  const v = versionOf(driverOf(s, r.binding.driverId), r.binding.version);
  r.config = applyConfigChange(v.descriptor.properties ?? [], r.config, properties, {
    messages: v.messages,
    driver: r.binding.driverId,
  });
  return resourceInfo(s, r);
}
