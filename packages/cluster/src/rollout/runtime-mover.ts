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
          const rec = await rt.manager.upgrade(
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
        const rec = await rt.manager.upgrade(
          driverId,
          { version: to, policy: { kind: 'all-at-once' } },
          principal,
        );
        return { ok: true, moved: moves(rec) };
      } catch (err) {
        return { ok: false, moved: [], error: serializeError(err) };
      }
    },
  };
}
