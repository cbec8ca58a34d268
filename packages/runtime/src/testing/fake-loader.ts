import type { DriverDefinition, DriverDescriptor, DriverHandle } from '@chassis/kernel';
import { ChassisError } from '@chassis/kernel';
import { inProcessHandle } from '@chassis/kernel/testing';
import type { LoadedVersion, VerifiedCar, VersionLoader } from '../manager/types.js';

/** A fake "CAR": a descriptor plus an in-memory definition. */
export interface FakeCar {
  readonly descriptor: DriverDescriptor;
  readonly definition: DriverDefinition;
}

/** Minimal descriptor for tests. */
export function fakeDescriptor(
  id: string,
  version: string,
  extra: Partial<DriverDescriptor> = {},
): DriverDescriptor {
  return {
    id,
    name: id,
    version,
    vendor: 'Example',
    license: 'Apache-2.0',
    category: 'storage',
    entry: 'classes/index.js',
    engines: { chassis: '^1.0.0' },
    provides: [{ point: 'storage.primary', version: '^1.0.0' }],
    ...extra,
  };
}

/**
 * An in-process {@link DriverHandle} over a definition, for tests of the runtime: the kernel's
 * {@link inProcessHandle} sharing objects with the test (no cloning), plus a `disposed` flag
 * the tests read; a disposed handle refuses calls with `CHASSIS_E_LOADER_DISPOSED`, as the
 * loader's handles do.
 */
export function fakeHandle(
  d: DriverDescriptor,
  def: DriverDefinition,
): DriverHandle & { disposed: boolean } {
  const inner = inProcessHandle(def, d, { clone: false });
  const handle = {
    ...inner,
    disposed: false,
    async invoke(...call: Parameters<DriverHandle['invoke']>) {
      if (handle.disposed)
        throw new ChassisError('CHASSIS_E_LOADER_DISPOSED', `${d.id}@${d.version} is disposed`);
      return inner.invoke(...call);
    },
    async dispose() {
      handle.disposed = true;
      await inner.dispose();
    },
  };
  return handle;
}

/** A {@link VersionLoader} whose "CAR files" are keys of a map of fake CARs. */
export class FakeLoader implements VersionLoader {
  readonly cars = new Map<string, FakeCar>();
  readonly handles: (DriverHandle & { disposed: boolean })[] = [];

  /** Registers a fake CAR under `file` and returns `file`. */
  add(file: string, descriptor: DriverDescriptor, definition: DriverDefinition): string {
    this.cars.set(file, { descriptor, definition });
    return file;
  }

  /** How often each fake CAR was opened (read and checked). */
  readonly opens = new Map<string, number>();

  async open(file: string): Promise<VerifiedCar> {
    const car = this.cars.get(file);
    if (!car)
      throw new ChassisError('CHASSIS_E_CAR_NOT_FOUND', `no fake CAR ${file}`, {
        details: { file },
      });
    this.opens.set(file, (this.opens.get(file) ?? 0) + 1);
    return { file, sha256: fakeSha256(file), descriptor: car.descriptor };
  }

  async load(opened: VerifiedCar): Promise<LoadedVersion> {
    const file = opened.file;
    const car = this.cars.get(file);
    if (!car)
      throw new ChassisError('CHASSIS_E_CAR_NOT_FOUND', `no fake CAR ${file}`, {
        details: { file },
      });
    const handle = fakeHandle(car.descriptor, car.definition);
    this.handles.push(handle);
    return {
      descriptor: car.descriptor,
      handle,
      sha256: opened.sha256,
      tier: 'in-process',
      messages: { en: {} },
    };
  }
}

/** The stand-in digest of a fake CAR: its key padded to 64 characters. */
function fakeSha256(file: string): string {
  return file.padEnd(64, '0').slice(0, 64);
}
