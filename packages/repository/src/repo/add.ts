import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError, driverKey } from '@chassis/kernel';
import { type DriverEntry, entryOfTarget } from '../tuf/entry.js';
import { tempPathFor } from './atomic.js';
import {
  type CarInspector,
  type CarSummary,
  type CarVerifier,
  readCarSummary,
  verifyCarIntegrity,
} from './car-inspector.js';
import { digestFile } from './digest.js';
import { type IndexRepositoryOptions, type IndexResult, reindex } from './index-repository.js';
import { assertKeysOutside, loadRoleKeys } from './keys-store.js';
import { CARS_DIR, carTargetPath } from './layout.js';
import { readRepositoryState } from './state.js';

/** Options of {@link addCars}. */
export interface AddCarOptions extends IndexRepositoryOptions {
  /**
   * Extra check run on each CAR after the integrity check, e.g. the certificate half's
   * `verifyCarTrust`; throw a ChassisError to refuse the CAR.
   */
  readonly verify?: CarVerifier;
  /** Integrity check (default: `verifyCar` from `@chassis/car`). */
  readonly integrity?: CarVerifier;
}

/** What {@link addCars} did. */
export interface AddCarsResult extends IndexResult {
  /** Entries of the CARs given, in order (already-present ones included). */
  readonly added: readonly DriverEntry[];
}

interface Staged {
  readonly tmp: string;
  readonly sha256: string;
  readonly summary: CarSummary;
}

/**
 * Publishes CARs: each is copied to a temp file inside the repository, verified there (so what
 * is checked is exactly what is published), then moved to `cars/<sha256>.car`, and the
 * repository is re-indexed once. All or nothing: if any CAR fails, none is published and the
 * error carries the failing check's code.
 */
export async function addCars(
  repoDir: string,
  carFiles: readonly string[],
  options: AddCarOptions,
): Promise<AddCarsResult> {
  assertKeysOutside(repoDir, options.keysDir);
  const keys = await loadRoleKeys(options.keysDir);
  const state = await readRepositoryState(repoDir);
  const published = new Map<string, string>();
  for (const t of Object.values(state.targets.signed.targets)) {
    const e = entryOfTarget(t);
    if (e) published.set(driverKey(e), e.sha256);
  }
  const inspect: CarInspector = options.inspect ?? readCarSummary;
  const integrity = options.integrity ?? verifyCarIntegrity;
  await mkdir(join(repoDir, CARS_DIR), { recursive: true });
  const staged: Staged[] = [];
  try {
    for (const file of carFiles) {
      const tmp = tempPathFor(join(repoDir, CARS_DIR, 'incoming.car'));
      staged.push({ tmp, sha256: '', summary: undefined as never });
      await copyFile(file, tmp);
      await integrity(tmp);
      await options.verify?.(tmp);
      const summary = await inspect(tmp);
      const { sha256 } = await digestFile(tmp);
      const key = driverKey(summary.descriptor);
      const other = published.get(key);
      if (other !== undefined && other !== sha256) {
        throw new ChassisError(
          'CHASSIS_E_REPO_DUPLICATE_DRIVER',
          `${key} is already published with digest ${other}; give ${file} a new version`,
          { details: { driver: summary.descriptor.id, version: summary.descriptor.version, file } },
        );
      }
      published.set(key, sha256);
      staged[staged.length - 1] = { tmp, sha256, summary };
    }
    for (const s of staged) await rename(s.tmp, join(repoDir, carTargetPath(s.sha256)));
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    throw err;
  }
  const known = new Map(staged.map((s) => [s.sha256, s.summary] as const));
  const result = await reindex(repoDir, keys, options, known);
  const bySha = new Map(result.drivers.map((d) => [d.sha256, d] as const));
  return { ...result, added: staged.map((s) => bySha.get(s.sha256)!) };
}

/** Publishes one CAR (see {@link addCars}) and returns its entry. */
export async function addCar(
  repoDir: string,
  carFile: string,
  options: AddCarOptions,
): Promise<DriverEntry> {
  return (await addCars(repoDir, [carFile], options)).added[0]!;
}
