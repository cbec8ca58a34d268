import { driverKey } from '../descriptor/driver-descriptor.js';
import { ChassisError } from '../errors/chassis-error.js';
import type { ErrorCode } from '../errors/registry.js';
import type { OrderNode } from './types.js';

/**
 * Error builders for {@link planOrder}. Each message names the driver at fault, what it
 * declared and what to change; `details` carries the same facts for machines.
 */

export function duplicateError(node: OrderNode, all: readonly OrderNode[]): ChassisError {
  const keys = all.map(driverKey);
  return new ChassisError(
    'CHASSIS_E_ORDER_DUPLICATE',
    `Driver "${driverKey(node)}" cannot be ordered: id "${node.id}" appears ${all.length} times ` +
      `(${keys.join(', ')}); activate exactly one version of a driver at a time`,
    { details: { driver: node.id, version: node.version, occurrences: keys } },
  );
}

export function unknownCategoryError(
  node: OrderNode,
  ranks: Readonly<Record<string, number>>,
): ChassisError {
  const known = Object.keys(ranks).sort();
  return new ChassisError(
    'CHASSIS_E_ORDER_UNKNOWN_CATEGORY',
    `Driver "${driverKey(node)}" declares category "${node.category}", which has no start rank ` +
      `(known: ${known.join(', ')}); register it under "categories" in the kernel configuration`,
    { details: { driver: node.id, version: node.version, category: node.category, known } },
  );
}

export function crossCategoryError(node: OrderNode, dep: OrderNode): ChassisError {
  return new ChassisError(
    'CHASSIS_E_ORDER_CROSS_CATEGORY',
    `Driver "${driverKey(node)}" (${node.category}) requires "${driverKey(dep)}" (${dep.category}); ` +
      `requires may only name drivers of the same category. Remove it from driver.yaml: ` +
      'category ranks already start other categories in order',
    {
      details: {
        driver: node.id,
        version: node.version,
        category: node.category,
        dependency: dep.id,
        dependencyVersion: dep.version,
        dependencyCategory: dep.category,
      },
    },
  );
}

/** Why a requirement cannot be met. */
export type MissingReason = 'absent' | 'version' | 'invalid-range' | 'failed';

export function missingDepError(
  node: OrderNode,
  dependency: string,
  range: string,
  reason: MissingReason,
  found?: { readonly version: string; readonly code?: ErrorCode },
): ChassisError {
  const who = `Driver "${driverKey(node)}" requires "${dependency}" ${range}`;
  const what =
    reason === 'absent'
      ? `, which is not installed; install a version of "${dependency}" that satisfies ${range}`
      : reason === 'version'
        ? ` but only ${dependency}@${found?.version} is present; install a matching version or ` +
          'relax the range in driver.yaml'
        : reason === 'invalid-range'
          ? `, and "${range}" is not a valid semver range; fix the requires entry in driver.yaml`
          : `, which cannot start (${found?.code}); fix "${dependency}" first`;
  return new ChassisError('CHASSIS_E_ORDER_MISSING_DEP', who + what, {
    details: {
      driver: node.id,
      version: node.version,
      dependency,
      range,
      reason,
      ...(found ? { dependencyVersion: found.version } : {}),
      ...(found?.code ? { dependencyCode: found.code } : {}),
    },
  });
}

export function cycleError(
  node: OrderNode,
  path: readonly string[],
  members: readonly string[],
): ChassisError {
  return new ChassisError(
    'CHASSIS_E_ORDER_CYCLE',
    `Driver "${driverKey(node)}" is on a requires cycle ${path.join(' → ')}; ` +
      'remove one of these requires entries so the drivers can start one after another',
    { details: { driver: node.id, version: node.version, path: [...path], members: [...members] } },
  );
}
