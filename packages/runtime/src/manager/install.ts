import { ChassisError, serializeError } from '@chassis/kernel';
import type { UpgradeRecord } from '../api/runtime-api.js';
import type { ManagerContext } from './context.js';
import type { DriverLocks } from './driver-locks.js';
import { loadVersion, startVersion, unloadVersion } from './environments.js';
import { type DriverRecord, saveDriverRecord } from './records.js';

/**
 * Installs the driver version in `file`. The driver id is known only once the CAR is loaded, so
 * the per-driver lock is taken in the loader's precheck: as soon as the descriptor is known and
 * before the version enters the lifecycle. A loser is refused with
 * `CHASSIS_E_UPGRADE_IN_PROGRESS` and its environment disposed (no entry stuck at `Loaded`);
 * every later failure unloads the version, records the failure and releases the lock.
 */
export async function runInstall(
  ctx: ManagerContext,
  locks: DriverLocks,
  file: string,
  principal: string,
  publish: (record: UpgradeRecord) => UpgradeRecord,
): Promise<UpgradeRecord> {
  let release: (() => void) | undefined;
  try {
    const {
      loaded,
      signature,
      car: opened,
    } = await loadVersion(ctx, file, undefined, (d) => {
      release = locks.acquire(d.id);
      if (ctx.drivers.get(d.id)?.record.versions.some((v) => v.version === d.version)) {
        throw new ChassisError(
          'CHASSIS_E_UPGRADE_SAME_VERSION',
          `${d.id}@${d.version} is already installed`,
          { details: { driver: d.id, version: d.version } },
        );
      }
    });
    const d = loaded.descriptor;
    const inst = ctx.drivers.get(d.id);
    let record: UpgradeRecord | undefined;
    try {
      record = await ctx.history.begin({
        action: 'install',
        driverId: d.id,
        to: d.version,
        principal,
      });
      await startVersion(ctx, loaded);
      const car = await ctx.keep(opened);
      const version = {
        version: d.version,
        sha256: opened.sha256,
        car,
        installedAt: new Date().toISOString(),
        signature,
      };
      // Built on the stored record, not only on ours: in a cluster another member may have
      // installed a version since this one last read it, and that version must not be lost.
      let next!: DriverRecord;
      await saveDriverRecord(ctx.store, d.id, (base) => {
        next = {
          id: d.id,
          active: base?.active ?? d.version,
          ...(base?.previous ? { previous: base.previous } : {}),
          versions: [...(base?.versions ?? []).filter((v) => v.version !== d.version), version],
        };
        return next;
      });
      const target = inst ?? { record: next, loaded: new Map() };
      target.record = next;
      target.loaded.set(d.version, loaded);
      ctx.drivers.set(d.id, target);
    } catch (err) {
      await unloadVersion(ctx, loaded);
      if (record)
        publish(await ctx.history.finish(record, { result: 'failed', error: serializeError(err) }));
      throw err;
    }
    return publish(await ctx.history.finish(record, { result: 'succeeded' }));
  } finally {
    release?.();
  }
}
