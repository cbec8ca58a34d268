import { ChassisError, type DriverDescriptor } from '@chassis/kernel';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CarInspector, CarVerifier } from '../repo/car-inspector.js';
import { initRepository } from '../repo/init.js';

/**
 * Fake CARs for TUF tests: a JSON file holding a descriptor (plus padding), read by a stub
 * inspector, so the metadata layer is tested without the real CAR format.
 */
export interface FakeCar {
  readonly id: string;
  readonly version: string;
  readonly category?: string;
  readonly engines?: string;
  readonly provides?: { point: string; version: string }[];
  readonly bytes?: number;
  readonly corrupt?: boolean;
}

export function descriptorOf(car: FakeCar): DriverDescriptor {
  return {
    id: car.id,
    name: `${car.id} driver`,
    version: car.version,
    vendor: 'Example Storage Inc.',
    license: 'Apache-2.0',
    category: car.category ?? 'storage',
    entry: 'classes/index.js',
    engines: { chassis: car.engines ?? '^1.0.0' },
    provides: car.provides ?? [{ point: 'storage.primary', version: '^1.0.0' }],
  };
}

export async function writeFakeCar(dir: string, car: FakeCar): Promise<string> {
  const file = join(dir, `${car.id}-${car.version}.car`);
  const body = JSON.stringify({
    fake: true,
    corrupt: car.corrupt ?? false,
    descriptor: descriptorOf(car),
    pad: 'x'.repeat(car.bytes ?? 64),
  });
  await writeFile(file, body);
  return file;
}

export const fakeInspect: CarInspector = async (file) => {
  const data = JSON.parse(await readFile(file, 'utf8'));
  return { descriptor: data.descriptor, signed: false };
};

export const fakeIntegrity: CarVerifier = async (file) => {
  const data = JSON.parse(await readFile(file, 'utf8'));
  if (data.corrupt) {
    throw new ChassisError('CHASSIS_E_CAR_DIGEST_MISMATCH', `fake corrupt CAR ${file}`);
  }
};

/** Options to pass to addCar/indexRepository in tests. */
export function fakeOptions(keysDir: string) {
  return { keysDir, inspect: fakeInspect, integrity: fakeIntegrity } as const;
}

/** A fresh temp folder and its cleanup. */
export async function tempDir(prefix = 'chassis-repo-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A fresh temp folder holding an initialised repository (`repo/`) and its keys (`keys/`). */
export async function tempRepository(): Promise<{
  dir: string;
  cleanup: () => Promise<void>;
  repo: string;
  keys: string;
  rootFile: string;
}> {
  const { dir, cleanup } = await tempDir();
  const repo = join(dir, 'repo');
  const keys = join(dir, 'keys');
  const { rootFile } = await initRepository(repo, { keysDir: keys });
  return { dir, cleanup, repo, keys, rootFile };
}
