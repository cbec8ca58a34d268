import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectCar } from '@chassis/car';
import {
  ChassisError,
  type IsolationTier,
  type OrderNode,
  planOrder,
  type SerializedError,
  serializeError,
} from '@chassis/kernel';

/** One CAR of the local repository folder, as far as ordering needs it. */
export interface RepositoryCar extends OrderNode {
  readonly file: string;
  readonly name: string;
  /** The isolation tier the CAR asks for. */
  readonly isolation: IsolationTier;
}

/** The repository's CARs in start order, and those that cannot be started (with the reason). */
export interface InstallPlan {
  readonly start: readonly RepositoryCar[];
  readonly failed: readonly { readonly car: RepositoryCar; readonly error: SerializedError }[];
}

/** A CAR of the repository folder that could not be read (damaged, tampered, not a CAR). */
export interface RefusedCar {
  readonly file: string;
  readonly error: SerializedError;
}

/**
 * Reads every `*.car` of a local repository folder (each is read and its manifest checked, as
 * `chassis car inspect` does). A CAR that fails the check is refused with its error and the
 * others are still offered. A missing folder is `CHASSIS_E_CAR_NOT_FOUND`; one that exists but
 * cannot be read is `CHASSIS_E_LOADER_FILE_UNREADABLE`.
 */
export async function listRepository(
  dir: string,
): Promise<{ cars: RepositoryCar[]; refused: RefusedCar[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.car')).sort();
  } catch (err) {
    // Only a missing folder is "not found"; anything else (permissions, I/O) is not "empty".
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ChassisError(
        'CHASSIS_E_LOADER_FILE_UNREADABLE',
        `The repository folder ${dir} cannot be read: ${(err as Error).message}; check its permissions`,
        { details: { dir }, cause: err },
      );
    }
    throw new ChassisError(
      'CHASSIS_E_CAR_NOT_FOUND',
      `The repository folder ${dir} does not exist; check the CAR source path (for the demo, build the example CARs first: pnpm turbo run build)`,
      { details: { dir }, cause: err },
    );
  }
  const cars: RepositoryCar[] = [];
  const refused: RefusedCar[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const i = await inspectCar(file);
      cars.push({
        file,
        name: i.driver.name,
        isolation: i.driver.isolation,
        id: i.driver.id,
        version: i.driver.version,
        category: i.driver.category,
        requires: i.requires,
      });
    } catch (err) {
      refused.push({ file, error: serializeError(err) });
    }
  }
  return { cars, refused };
}

/**
 * Plans the install order with the kernel's {@link planOrder}: category rank (network,
 * storage, hypervisor, then configured ranks), dependencies within a category, ties by id.
 * Installing in this order starts the drivers in the same order a restart restores them in.
 */
export function planInstall(
  cars: readonly RepositoryCar[],
  ranks?: Readonly<Record<string, number>>,
): InstallPlan {
  const plan = planOrder(cars, ranks ? { ranks } : {});
  return {
    // planOrder returns the very node objects it was given.
    start: plan.start as readonly RepositoryCar[],
    failed: plan.failed.map((f) => ({ car: f.node as RepositoryCar, error: f.error.toJSON() })),
  };
}
