import { ChassisError, type ResourceBinding, type StateStore } from '@chassis/kernel';
import type { DriverManager } from '../manager/driver-manager.js';
import { resourceKey } from '../state/resource-records.js';
import type { ResourceRecord, ResourceService } from './resource-service.js';

/** What one {@link reconcileResources} pass changed, by resource id. */
export interface ResourceReconcileResult {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Rebound to the version their record names (another member moved them). */
  readonly rebound: readonly string[];
  /** Moved between the local and the remote registry (ownership gained or lost). */
  readonly moved: readonly string[];
  /** Left for the next pass: their driver's lock is held by a local action. */
  readonly busy: readonly string[];
}

const same = (a: ResourceBinding, b: ResourceBinding) =>
  a.driverId === b.driverId && a.version === b.version;

/**
 * Runs `fn` under the driver's lock; false when a local action (an upgrade moving the same
 * resources) holds it: the next pass heals, so nothing waits behind an upgrade.
 */
async function underLock(
  manager: DriverManager,
  driverId: string,
  fn: () => Promise<void>,
): Promise<boolean> {
  try {
    await manager.locked(driverId, fn);
    return true;
  } catch (err) {
    if (ChassisError.is(err, 'CHASSIS_E_UPGRADE_IN_PROGRESS')) return false;
    throw err;
  }
}

/**
 * Brings a server's resources in line with the shared `resources/` records (cluster mode):
 * registers resources created elsewhere, forgets deleted ones, rebinds a resource whose record
 * names another version, takes in configuration and pin changes, and moves each resource to
 * the registry its placement says. A rebind or move re-reads the record under the driver's
 * lock first, so a list read before a local upgrade's write never moves a resource back.
 * `seen` remembers the record version taken in per resource, so unchanged records cost nothing.
 */
export async function reconcileResources(
  service: ResourceService,
  store: StateStore,
  manager: DriverManager,
  seen: Map<string, number>,
): Promise<ResourceReconcileResult> {
  const out = { added: [], removed: [], rebound: [], moved: [], busy: [] } as {
    [K in keyof ResourceReconcileResult]: string[];
  };
  const { placed } = service;
  const records = await store.list<ResourceRecord>('resources/');
  const present = new Set<string>();
  for (const { version, value } of records) {
    const id = value.resource.id;
    present.add(id);
    const entry = placed.find(id);
    if (!entry) {
      placed.add(value.resource, value.binding, () => service.localHandle(value.binding));
      if (service.refresh(value)) seen.set(id, version);
      out.added.push(id);
      continue;
    }
    if (!same(entry.binding, value.binding)) {
      const ok = await underLock(manager, entry.binding.driverId, async () => {
        const fresh = (await store.get<ResourceRecord>(resourceKey(id)))?.value;
        const now = placed.find(id);
        if (!fresh || !now || same(now.binding, fresh.binding)) return;
        await placed.rebind(id, fresh.binding, () => service.localHandle(fresh.binding));
        out.rebound.push(id);
      });
      if (!ok) {
        out.busy.push(id);
        continue;
      }
    }
    if (seen.get(id) !== version && service.refresh(value)) seen.set(id, version);
  }
  for (const id of service.ids()) {
    if (present.has(id)) continue;
    // Created here after the list was read? Only a record that is really gone is forgotten.
    if (await store.get(resourceKey(id))) continue;
    await service.forget(id);
    seen.delete(id);
    out.removed.push(id);
  }
  for (const id of service.ids()) {
    if (placed.isLocal(id) === placed.owns(id)) continue;
    const entry = placed.get(id);
    const ok = await underLock(manager, entry.binding.driverId, async () => {
      const now = placed.find(id);
      if (now && (await placed.place(id, () => service.localHandle(now.binding))))
        out.moved.push(id);
    });
    if (!ok) out.busy.push(id);
  }
  return out;
}
