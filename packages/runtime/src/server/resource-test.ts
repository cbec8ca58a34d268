import {
  ChassisError,
  type DriverHandle,
  type ExtensionPoint,
  type FacadeRouter,
  type ResourceRegistry,
  serializeError,
} from '@chassis/kernel';
import type { ResourceTestOptions, ResourceTestResult } from '../api/operations.js';
import type { DriverManager } from '../manager/driver-manager.js';

/**
 * Which `point.method` a test may run on a resource: `operation` is a bare method (`stats`) or
 * `point.method`, and must be listed in the `safe` methods of an extension point the serving
 * version provides. Pure. Throws `CHASSIS_E_RESOURCE_OP_NOT_SAFE` naming what is allowed.
 */
export function resolveSafeOperation(
  operation: string,
  provided: readonly string[],
  points: readonly ExtensionPoint<unknown>[],
  resourceId: string,
): { point: string; method: string } {
  const dot = operation.lastIndexOf('.');
  const wantPoint = dot > 0 ? operation.slice(0, dot) : undefined;
  const method = dot > 0 ? operation.slice(dot + 1) : operation;
  const allowed: string[] = [];
  let found: { point: string; method: string } | undefined;
  for (const p of points) {
    if (!provided.includes(p.id)) continue;
    for (const m of p.safe ?? []) {
      allowed.push(`${p.id}.${m}`);
      if (!found && m === method && (!wantPoint || wantPoint === p.id))
        found = { point: p.id, method };
    }
  }
  if (found) return found;
  throw new ChassisError(
    'CHASSIS_E_RESOURCE_OP_NOT_SAFE',
    `"${operation}" is not a read-only operation of resource ${resourceId}'s contract; use the health check or one of: ${allowed.join(', ') || '(none)'}`,
    { details: { resource: resourceId, operation, allowed } },
  );
}

/**
 * Tests a resource: the serving version's health check, or a read-only contract operation
 * run through the resource's compartment like any facade call. What the driver answers,
 * error included, is the result; only a refused request (unknown resource, unsafe operation)
 * rejects.
 */
export async function testResource(
  resources: Pick<ResourceRegistry<DriverHandle>, 'get'>,
  manager: DriverManager,
  router: FacadeRouter,
  points: readonly ExtensionPoint<unknown>[],
  id: string,
  options: ResourceTestOptions,
): Promise<ResourceTestResult> {
  const entry = resources.get(id);
  const { driverId, version } = entry.binding;
  const provided = (
    manager.drivers.get(driverId)?.loaded.get(version)?.descriptor.provides ?? []
  ).map((p) => p.point);
  const target = options.operation
    ? resolveSafeOperation(options.operation, provided, points, id)
    : undefined;
  const started = performance.now();
  const base = {
    resource: id,
    driverId,
    version,
    operation: target ? `${target.point}.${target.method}` : 'health',
  };
  const timing = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  try {
    if (target) {
      const result = await router.call(id, target.point, target.method, options.args ?? [], timing);
      return { ...base, ok: true, result, durationMs: performance.now() - started };
    }
    const health = await entry.compartment.submit(
      (handle, signal) => handle.health({ signal }),
      timing,
    );
    return { ...base, ok: health.healthy, result: health, durationMs: performance.now() - started };
  } catch (err) {
    return {
      ...base,
      ok: false,
      error: serializeError(err),
      durationMs: performance.now() - started,
    };
  }
}
