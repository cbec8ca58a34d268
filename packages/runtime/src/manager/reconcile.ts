import { serializeError } from '@chassis/kernel';
import type { InstalledDriver, ManagerContext } from './context.js';
import type { DriverLocks } from './driver-locks.js';
import { loadVersion, startVersion, unloadVersion } from './environments.js';
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
 * other servers (cluster mode): every recorded version not loaded here is fetched (`fetchCar`),
 * verified and loaded (`loadVersion`: digest, manifest and trust check, as for an install) and
 * started; every loaded version the records no longer name is stopped and unloaded once no
 * resource of this server is bound to it; the in-memory record (active, previous) follows the
 * stored one. Each driver is handled under its lock; a driver a local action holds is skipped
 * (`busy`) rather than waited for, since the next pass heals it. Never throws for one driver's
 * failure: it is logged and reported in `failed`.
 */
export async function reconcileDrivers(
  ctx: ManagerContext,
  locks: DriverLocks,
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
    await locks.run(id, () => reconcileOne(ctx, id, records.get(id), out));
  }
  return out;
}

async function reconcileOne(
  ctx: ManagerContext,
  id: string,
  record: DriverRecord | undefined,
  out: { [K in keyof DriverReconcileResult]: string[] },
): Promise<void> {
  let inst = ctx.drivers.get(id);
  if (record) {
    if (!inst) {
      inst = { record, loaded: new Map() };
      ctx.drivers.set(id, inst);
    } else {
      inst.record = record;
    }
    for (const rec of record.versions) {
      if (inst.loaded.has(rec.version)) continue;
      const key = `${id}@${rec.version}`;
      try {
        const car = await ctx.fetchCar(rec);
        const { loaded } = await loadVersion(ctx, car, {
          id,
          version: rec.version,
          sha256: rec.sha256,
        });
        try {
          await startVersion(ctx, loaded);
        } catch (err) {
          await unloadVersion(ctx, loaded);
          throw err;
        }
        inst.loaded.set(rec.version, loaded);
        out.started.push(key);
      } catch (err) {
        ctx.logger.error(
          { driver: id, version: rec.version, err: serializeError(err) },
          'could not load a driver version installed by another member',
        );
        out.failed.push(key);
      }
    }
  }
  if (!inst) return;
  const wanted = new Set(record?.versions.map((v) => v.version) ?? []);
  for (const [version, loaded] of [...inst.loaded]) {
    if (wanted.has(version)) continue;
    const key = `${id}@${version}`;
    // The member that removed it moved the resources first; ours follow when the resource
    // records are reconciled, and the version goes on the next pass.
    if (ctx.resources.boundTo(id, version).length > 0) {
      out.held.push(key);
      continue;
    }
    inst.loaded.delete(version);
    await unloadVersion(ctx, loaded);
    out.unloaded.push(key);
  }
  if (!record && inst.loaded.size === 0) ctx.drivers.delete(id);
}
