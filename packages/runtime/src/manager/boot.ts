import { availableParallelism } from 'node:os';
import { serializeError, startDrivers, stopDrivers } from '@chassis/kernel';
import pMap from 'p-map';
import type { InstalledDriver, ManagerContext } from './context.js';
import { entryOf, loadVersion, startVersion, unloadVersion } from './environments.js';
import { loadDriverRecords, type VersionRecord } from './records.js';
import type { LoadedVersion } from './types.js';

/** CARs verified, extracted and spawned at once during boot (I/O and child start-up bound). */
const LOAD_CONCURRENCY = Math.max(4, availableParallelism() * 2);

/**
 * Boot: loads the active version of every persisted driver (and any other version that still
 * has resources bound), several at a time, then starts them in category/dependency order
 * (independent drivers of a rank in parallel, see `startDrivers`). A version that cannot be
 * loaded is logged and left out; the others still start.
 */
export async function restoreDrivers(
  ctx: ManagerContext,
  boundVersions: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<void> {
  const records = await loadDriverRecords(ctx.store);
  const jobs: { inst: InstalledDriver; version: string; rec: VersionRecord }[] = [];
  for (const record of records) {
    const inst: InstalledDriver = { record, loaded: new Map() };
    ctx.drivers.set(record.id, inst);
    const wanted = new Set([
      ...(record.active ? [record.active] : []),
      ...(boundVersions.get(record.id) ?? []),
    ]);
    for (const version of wanted) {
      const rec = record.versions.find((v) => v.version === version);
      if (rec) jobs.push({ inst, version, rec });
    }
    // Kept but not loaded, as after the commit that left them: following a shared store does
    // not load them again unless they become active or bound.
    inst.retired = new Set(record.versions.map((v) => v.version).filter((v) => !wanted.has(v)));
  }
  // Verification and extraction of one CAR overlap with spawning the environments of others;
  // the bound keeps a large directory from opening every file and process at once.
  const loaded = await pMap(
    jobs,
    async ({ inst, version, rec }) => {
      try {
        const car = await ctx.fetchCar(rec);
        return (await loadVersion(ctx, car, { id: inst.record.id, version, sha256: rec.sha256 }))
          .loaded;
      } catch (err) {
        ctx.logger.error(
          { driver: inst.record.id, version, err: serializeError(err) },
          'could not load installed driver version',
        );
        return undefined;
      }
    },
    { concurrency: LOAD_CONCURRENCY },
  );
  // Inserted in record order, whatever order the loads finished in.
  jobs.forEach(({ inst, version }, i) => {
    const v = loaded[i];
    if (v) inst.loaded.set(version, v);
  });
  // Active versions first, in one ordered pass; extra versions after, each in its place.
  const actives = [...ctx.drivers.values()].flatMap((i) =>
    i.record.active && i.loaded.get(i.record.active) ? [i.loaded.get(i.record.active)!] : [],
  );
  await startDrivers(actives.map(entryOf), {
    lifecycle: ctx.lifecycle,
    startTimeoutMs: ctx.startTimeoutMs,
    ...(ctx.ranks ? { ranks: ctx.ranks } : {}),
  });
  for (const inst of ctx.drivers.values()) {
    for (const [version, v] of inst.loaded) {
      if (version === inst.record.active) continue;
      await startVersion(ctx, v).catch((err) =>
        ctx.logger.error(
          { driver: inst.record.id, version, err: serializeError(err) },
          'start failed',
        ),
      );
    }
  }
}

/** Stops every loaded version in the exact reverse of the start order and disposes them. */
export async function shutdownDrivers(ctx: ManagerContext): Promise<void> {
  const extra: LoadedVersion[] = [];
  const actives: LoadedVersion[] = [];
  for (const inst of ctx.drivers.values()) {
    for (const [version, v] of inst.loaded)
      (version === inst.record.active ? actives : extra).push(v);
  }
  for (const v of extra) await unloadVersion(ctx, v);
  const result = await stopDrivers(actives.map(entryOf), {
    lifecycle: ctx.lifecycle,
    stopTimeoutMs: ctx.stopTimeoutMs,
    ...(ctx.ranks ? { ranks: ctx.ranks } : {}),
  });
  // Unload in the order the drivers stopped (exact reverse of start), then any left over.
  const stopOrder = result.stopped.map((r) => `${r.driver}@${r.version}`);
  const rank = (v: LoadedVersion) => {
    const i = stopOrder.indexOf(`${v.descriptor.id}@${v.descriptor.version}`);
    return i < 0 ? stopOrder.length : i;
  };
  for (const v of [...actives].sort((a, b) => rank(a) - rank(b))) await unloadVersion(ctx, v);
  for (const inst of ctx.drivers.values()) inst.loaded.clear();
}
