import { readCar } from '@chassis/car';
import type { RepositoryAccess } from '@chassis/repository';

/**
 * Wraps a trust check so that each CAR that passes it records its category in `categories`, so
 * the lifecycle lines of drivers installed later (uploads, repository) name it too. The runtime
 * hands over the archive it already checked, so no second read of the CAR happens; a bare path
 * (a caller outside the runtime) is read once for its descriptor.
 */
export function recordingCategories(
  verify: RepositoryAccess['verify'],
  categories: Map<string, string>,
): RepositoryAccess['verify'] {
  return async (car) => {
    const trust = await verify(car);
    const { descriptor } = typeof car === 'string' ? await readCar(car) : car;
    categories.set(descriptor.id, descriptor.category);
    return trust;
  };
}
