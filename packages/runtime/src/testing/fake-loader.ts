import type {
  DriverDefinition,
  DriverDescriptor,
  DriverHandle,
  HealthStatus,
  InvocationContext,
} from '@chassis/kernel';
import { ChassisError, silentLogger } from '@chassis/kernel';
import type { LoadedVersion, VersionLoader } from '../manager/types.js';

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

/** An in-process {@link DriverHandle} over a definition, for tests of the runtime. */
export function fakeHandle(
  d: DriverDescriptor,
  def: DriverDefinition,
): DriverHandle & { disposed: boolean } {
  const ctx = (signal?: AbortSignal) => ({
    driver: { id: d.id, version: d.version },
    logger: silentLogger,
    signal: signal ?? new AbortController().signal,
    t: (k: string) => k,
  });
  const handle = {
    id: d.id,
    version: d.version,
    tier: 'in-process' as const,
    disposed: false,
    async start(o?: { signal?: AbortSignal }) {
      await def.start?.(ctx(o?.signal));
    },
    async stop(o?: { signal?: AbortSignal }) {
      await def.stop?.(ctx(o?.signal));
    },
    async health(): Promise<HealthStatus> {
      return (await def.health?.(ctx())) ?? { healthy: true };
    },
    async migrate(from: string, state: unknown) {
      return def.migrate ? def.migrate(from, state, ctx()) : state;
    },
    async invoke(
      point: string,
      method: string,
      ictx: InvocationContext,
      args: readonly unknown[],
      o?: { signal?: AbortSignal },
    ) {
      if (handle.disposed)
        throw new ChassisError('CHASSIS_E_LOADER_DISPOSED', `${d.id}@${d.version} is disposed`);
      const impl = def.provides[point] as Record<string, (...a: unknown[]) => unknown> | undefined;
      const fn = impl?.[method];
      if (typeof fn !== 'function')
        throw new ChassisError('CHASSIS_E_LOADER_NO_METHOD', `${point}.${method} not implemented`);
      return fn.call(
        impl,
        { ...ctx(o?.signal), properties: ictx.properties, resource: ictx.resource },
        ...args,
      );
    },
    async dispose() {
      handle.disposed = true;
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

  async load(file: string): Promise<LoadedVersion> {
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
      sha256: file.padEnd(64, '0').slice(0, 64),
      tier: 'in-process',
      messages: { en: {} },
    };
  }
}
