import { serializeError } from '@chassis/kernel';
import type { InstalledDriver, ManagerContext } from './context.js';
import type { DriverLocks } from './driver-locks.js';
import { loadVersion, startVersion, unloadVersion } from './environments.js';
import { planDriverVersions } from './reconcile-plan.js';
import { type DriverRecord, loadDriverRecords } from './records.js';

/** What one {@link reconcileDrivers} pass did, as `id@version` keys (and driver ids skipped). */
export interface DriverReconcileResult {
  /** Versions loaded and started because the shared records name them. */
  readonly started: readonly string[];
  /** Versions stopped and unloaded because the records no longer name them. */
  readonly unloaded: readonly string[];
  /** Versions that could not be loaded or started (logged; tried again on the next pass). */
  readonly failed: readonly string[];
  /** Drivers left alone because a local action holds their lock (the next pass heals). */
  readonly busy: readonly string[];
  /** Removed versions kept because resources of this member are still bound to them. */
  readonly held: readonly string[];
}

/** The category rank of a driver known here (unknown ones first: their category is not read yet). */
const rankOf = (ctx: ManagerContext, inst: InstalledDriver | undefined): number => {
  const category = inst && [...inst.loaded.values()][0]?.descriptor.category;
  return category === undefined ? 0 : (ctx.ranks?.[category] ?? 0);
};

/**
 * Brings this server's loaded drivers in line with the `drivers/` records of a store shared with
 * other servers (cluster mode), per {@link planDriverVersions}: versions installed elsewhere,
 * the active version and every version a resource record names (`boundVersions`, from every
 * member's records) are fetched (`fetchCar`), verified and loaded (`loadVersion`: digest,
 * manifest and trust check, as for an install) and started; removed and retired versions are
 * stopped and unloaded once no resource of this server is bound to them; the in-memory record
 * (active, previous) follows the stored one. A version this server let go (its own commit
 * unloaded it) is not loaded again. Each driver is handled under its lock; a driver a local
 * action holds is skipped (`busy`) rather than waited for, since the next pass heals it. Never
 * throws for one driver's failure: it is logged and reported in `failed`.
 */
export async function reconcileDrivers(
  ctx: ManagerContext,
  locks: DriverLocks,
  boundVersions: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): Promise<DriverReconcileResult> {
  const records = new Map((await loadDriverRecords(ctx.store)).map((r) => [r.id, r]));
  const out = { started: [], unloaded: [], failed: [], busy: [], held: [] } as {
    [K in keyof DriverReconcileResult]: string[];
  };
  const ids = [...new Set([...records.keys(), ...ctx.drivers.keys()])].sort();
  // Lower category ranks first (network before storage before hypervisor), like a boot.
  const ordered = ids
    .map((id) => ({ id, rank: rankOf(ctx, ctx.drivers.get(id)) }))
    .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1));
  for (const { id } of ordered) {
    if (locks.held(id)) {
      out.busy.push(id);
      continue;
    }
    const bound = boundVersions.get(id) ?? new Set<string>();
    await locks.run(id, () => reconcileOne(ctx, id, records.get(id), bound, out));
  }
  return out;
}

async function reconcileOne(
  ctx: ManagerContext,
  id: string,
  record: DriverRecord | undefined,
  boundAnywhere: ReadonlySet<string>,
  out: { [K in keyof DriverReconcileResult]: string[] },
): Promise<void> {
  let inst = ctx.drivers.get(id);
  const plan = planDriverVersions({
    record,
    previousActive: inst?.record.active,
    loaded: new Set(inst?.loaded.keys() ?? []),
    retired: inst?.retired ?? new Set(),
    boundHere: new Set(
      inst ? [...inst.loaded.keys()].filter((v) => ctx.resources.boundTo(id, v).length > 0) : [],
    ),
    boundAnywhere,
  });
  if (record) {
    if (!inst) {
      inst = { record, loaded: new Map() };
      ctx.drivers.set(id, inst);
    } else {
      inst.record = record;
    }
    inst.retired = new Set(plan.retired);
    for (const version of plan.load) {
      const rec = record.versions.find((v) => v.version === version);
      if (!rec) continue;
      const key = `${id}@${version}`;
      try {
        const car = await ctx.fetchCar(rec);
        const { loaded } = await loadVersion(ctx, car, { id, version, sha256: rec.sha256 });
        try {
          await startVersion(ctx, loaded);
        } catch (err) {
          await unloadVersion(ctx, loaded);
          throw err;
        }
        inst.loaded.set(version, loaded);
        out.started.push(key);
      } catch (err) {
        ctx.logger.error(
          { driver: id, version, err: serializeError(err) },
          'could not load a driver version installed by another member',
        );
        out.failed.push(key);
      }
    }
  }
  if (!inst) return;
  // The member that removed or retired it moved the resources first; ours follow when the
  // resource records are reconciled, and the version goes on the next pass.
  for (const version of plan.held) out.held.push(`${id}@${version}`);
  for (const version of plan.unload) {
    const loaded = inst.loaded.get(version);
    if (!loaded) continue;
    inst.loaded.delete(version);
    await unloadVersion(ctx, loaded);
    out.unloaded.push(`${id}@${version}`);
  }
  if (!record && inst.loaded.size === 0) ctx.drivers.delete(id);
}
