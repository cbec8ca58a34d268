import { ChassisError, serializeError } from '@chassis/kernel';
import semver from 'semver';
import type { UpgradeRecord } from '../api/runtime-api.js';
import { swapResources } from '../upgrade/swap.js';
import type { InstalledDriver, ManagerContext } from './context.js';
import { unloadVersion } from './environments.js';
import { saveDriverRecord } from './records.js';
import { ensureRunning } from './upgrade.js';

/**
 * Uninstalls one version (or, without `version`, every version) of a driver. Refuses while
 * resources are bound (`CHASSIS_E_UNINSTALL_BOUND`), unless `force` and another installed
 * version (the active one first, else the newest) can take them over. `publish` announces
 * every finished record.
 */
export async function runUninstall(
  ctx: ManagerContext,
  inst: InstalledDriver,
  options: { version?: string; force?: boolean },
  principal: string,
  publish: (record: UpgradeRecord) => UpgradeRecord,
): Promise<UpgradeRecord> {
  const id = inst.record.id;
  const versions = options.version ? [options.version] : inst.record.versions.map((v) => v.version);
  for (const v of versions)
    if (!inst.record.versions.some((r) => r.version === v))
      throw new ChassisError('CHASSIS_E_UPGRADE_NOT_INSTALLED', `${id}@${v} is not installed`, {
        details: { driver: id, version: v },
      });
  const remaining = inst.record.versions.map((v) => v.version).filter((v) => !versions.includes(v));
  const bound = versions.flatMap((v) => ctx.resources.boundTo(id, v));
  // Cluster mode: resources other members own move on their owners, never from here (not even
  // with force); removing their version from the shared record would strand them on it.
  const elsewhere = versions
    .flatMap((v) => ctx.bindings.boundIds?.(id, v) ?? [])
    .filter((r) => !bound.some((e) => e.resource.id === r));
  if (elsewhere.length > 0)
    throw new ChassisError(
      'CHASSIS_E_UNINSTALL_BOUND',
      `${id}@${versions.join(', ')} still serves resource(s) other members own (${elsewhere.join(', ')}); upgrade or roll them back to another version first`,
      { details: { driver: id, resources: elsewhere, versions, elsewhere: true } },
    );
  const heir = options.force
    ? remaining.includes(inst.record.active ?? '')
      ? inst.record.active
      : [...remaining].sort(semver.rcompare)[0]
    : undefined;
  // The moves are stored with the record before any is made: recovery after a crash applies them.
  const record = await ctx.history.begin({
    action: 'uninstall',
    driverId: id,
    from: versions.join(','),
    ...(heir && bound.length > 0
      ? {
          plan: {
            moves: bound.map((e) => ({ id: e.resource.id, from: e.binding.version, to: heir })),
          },
        }
      : {}),
    principal,
  });
  const point = (step: 'planned' | 'rebound' | 'committed', ids: string[]) =>
    ctx.checkpoint?.(step, { driverId: id, resources: ids });
  await point('planned', []);
  if (bound.length > 0) {
    if (!heir) {
      const err = new ChassisError(
        'CHASSIS_E_UNINSTALL_BOUND',
        `${id} still serves ${bound.length} resource(s) (${bound.map((e) => e.resource.id).join(', ')}); move them first or use force with another installed version`,
        {
          details: { driver: id, resources: bound.map((e) => e.resource.id), versions },
        },
      );
      publish(await ctx.history.finish(record, { result: 'failed', error: err.toJSON() }));
      throw err;
    }
    // A heir that cannot start ends the record too: it must not stay `running` forever.
    const heirVersion = await (async () => {
      const v = await ensureRunning(ctx, inst, heir);
      await ctx.checkMove?.(
        bound.map((e) => e.resource.id),
        v,
      );
      return v;
    })().catch(async (err: unknown) => {
      publish(await ctx.history.finish(record, { result: 'failed', error: serializeError(err) }));
      throw err;
    });
    await swapResources(ctx.resources, bound, { version: heir, handle: heirVersion.handle });
    // Persisted before anything is unloaded or acknowledged: a restart finds them on the heir.
    await ctx.bindings.rebind(
      bound.map((e) => e.resource.id),
      { driverId: id, version: heir },
    );
    await point(
      'rebound',
      bound.map((e) => e.resource.id),
    );
  }
  for (const v of versions) {
    const loaded = inst.loaded.get(v);
    inst.loaded.delete(v);
    if (loaded) await unloadVersion(ctx, loaded);
  }
  if (remaining.length === 0) {
    ctx.drivers.delete(id);
    await saveDriverRecord(ctx.store, id, () => null);
  } else {
    const active = remaining.includes(inst.record.active ?? '')
      ? inst.record.active
      : remaining.sort(semver.rcompare)[0];
    const previous =
      inst.record.previous && remaining.includes(inst.record.previous)
        ? inst.record.previous
        : undefined;
    inst.record = {
      id,
      ...(active ? { active } : {}),
      ...(previous ? { previous } : {}),
      versions: inst.record.versions.filter((v) => remaining.includes(v.version)),
    };
    await saveDriverRecord(ctx.store, id, () => inst.record);
  }
  await point('committed', []);
  return publish(await ctx.history.finish(record, { result: 'succeeded' }));
}
