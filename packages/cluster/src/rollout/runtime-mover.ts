import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChassisError,
  type DriverHandle,
  type ResourceRegistry,
  serializeError,
} from '@chassis/kernel';
import type { DriverManager, UpgradeRecord } from '@chassis/runtime';
import type { LocalMover, MovedResource, MoveResult } from './types.js';

/** What {@link runtimeMover} needs of a management server's runtime (`server.runtime` fits). */
export interface MoverRuntime {
  readonly manager: Pick<DriverManager, 'upgrade' | 'drivers'>;
  readonly resources: Pick<ResourceRegistry<DriverHandle>, 'find'>;
}

/** How long a member's move waits for its own driver lock (its reconciliation loading a version). */
const LOCK_WAIT_MS = 10_000;

/**
 * `manager.upgrade`, resent while the driver's lock is held here. The lock is taken before any
 * work, so `CHASSIS_E_UPGRADE_IN_PROGRESS` means nothing moved; during a cluster rollout the
 * holder is this member's own reconciliation (it loads a version the commit unloaded, say), which
 * ends in moments: without waiting for it the whole rollout would roll back.
 */
async function upgradeWhenFree(
  rt: MoverRuntime,
  ...args: Parameters<MoverRuntime['manager']['upgrade']>
): Promise<UpgradeRecord> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await rt.manager.upgrade(...args);
    } catch (err) {
      if (!ChassisError.is(err, 'CHASSIS_E_UPGRADE_IN_PROGRESS') || Date.now() > deadline)
        throw err;
      await sleep(50);
    }
  }
}

const moves = (r: UpgradeRecord): MovedResource[] =>
  r.resources.map((m) => ({
    id: m.id,
    from: m.from,
    to: m.to,
    ...(m.pausedMs !== undefined ? { pausedMs: m.pausedMs } : {}),
  }));

/**
 * The member side of a step, on the single-server runtime: each request is one
 * `DriverManager.upgrade(id, { version, resources })` (suspend → drain → rebind → resume, the
 * configuration check, the new version's health check, the local roll back on failure), so the
 * cluster adds no second way to move a resource. Idempotent: resources already on the target
 * are reported moved and not touched.
 */
export function runtimeMover(rt: MoverRuntime, principal = 'cluster-rollout'): LocalMover {
  return {
    async move(driverId, to, ids) {
      const moved: MovedResource[] = [];
      const bySource = new Map<string, string[]>();
      for (const id of ids) {
        const entry = rt.resources.find(id);
        if (!entry || entry.binding.driverId !== driverId) {
          const error = new ChassisError(
            'CHASSIS_E_RESOURCE_NOT_FOUND',
            `Resource ${id} of ${driverId} is not served by this member: it was deleted or moved to another owner during the rollout`,
            { details: { resource: id, driver: driverId } },
          );
          return { ok: false, moved, error: serializeError(error) };
        }
        const v = entry.binding.version;
        if (v === to) moved.push({ id, from: to, to });
        else bySource.set(v, [...(bySource.get(v) ?? []), id]);
      }
      try {
        for (const group of bySource.values()) {
          const rec = await upgradeWhenFree(
            rt,
            driverId,
            { version: to, resources: group, policy: { kind: 'all-at-once' } },
            principal,
          );
          moved.push(...moves(rec));
        }
        return { ok: true, moved };
      } catch (err) {
        return { ok: false, moved, error: serializeError(err) };
      }
    },
    async commit(driverId, to): Promise<MoveResult> {
      const inst = rt.manager.drivers.get(driverId);
      if (inst?.record.active === to) return { ok: true, moved: [] };
      try {
        const rec = await upgradeWhenFree(
          rt,
          driverId,
          { version: to, policy: { kind: 'all-at-once' } },
          principal,
        );
        return { ok: true, moved: moves(rec) };
      } catch (err) {
        // While this commit waited for the lock, this member's reconciliation followed another
        // member's commit of the shared record: `to` is active here already, which is the goal.
        if (
          ChassisError.is(err, 'CHASSIS_E_UPGRADE_SAME_VERSION') &&
          rt.manager.drivers.get(driverId)?.record.active === to
        )
          return { ok: true, moved: [] };
        return { ok: false, moved: [], error: serializeError(err) };
      }
    },
  };
}
