import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError, driverKey } from '@chassis/kernel';
import { TargetFile } from '@tufjs/models';
import { type DriverEntry, entryOfTarget } from '../tuf/entry.js';
import { type CarInspector, type CarSummary, readCarSummary, signerOf } from './car-inspector.js';
import { publishConsistentNames } from './consistent.js';
import { digestFile } from './digest.js';
import { assertKeysOutside, loadRoleKeys, type RoleKeys } from './keys-store.js';
import { CARS_DIR, carTargetPath } from './layout.js';
import { DEFAULT_EXPIRY, type Expiry } from './metadata.js';
import { revocationsTarget } from './revocations-target.js';
import { readRepositoryState } from './state.js';
import { writeIndex } from './writer.js';

/** Options of {@link indexRepository}. */
export interface IndexRepositoryOptions {
  readonly keysDir: string;
  readonly expires?: Partial<Expiry>;
  readonly now?: Date;
  /** Reads a CAR's descriptor (default: `readCar` from `@chassis/car`). */
  readonly inspect?: CarInspector;
}

/** What a (re)index produced. */
export interface IndexResult {
  readonly targetsVersion: number;
  readonly snapshotVersion: number;
  readonly timestampVersion: number;
  readonly drivers: readonly DriverEntry[];
}

/** The TUF target of a CAR: content-addressed path, digest, length and its Chassis data. */
export function carTarget(sha256: string, length: number, summary: CarSummary): TargetFile {
  const d = summary.descriptor;
  const signer = signerOf(summary.certificatePem);
  const chassis = {
    id: d.id,
    version: d.version,
    name: d.name,
    vendor: d.vendor,
    category: d.category,
    license: d.license,
    ...(d.description === undefined ? {} : { description: d.description }),
    engines: { chassis: d.engines.chassis },
    provides: d.provides.map((p) => ({ point: p.point, version: p.version })),
    ...(d.requires?.length
      ? { requires: d.requires.map((r) => ({ id: r.id, version: r.version })) }
      : {}),
    signed: summary.signed,
    ...(signer ? { signer } : {}),
  };
  return new TargetFile({
    path: carTargetPath(sha256),
    length,
    hashes: { sha256 },
    unrecognizedFields: { custom: { chassis: JSON.parse(JSON.stringify(chassis)) } },
  });
}

/**
 * Rebuilds targets from `cars/` and signs new targets, snapshot and timestamp versions. Every
 * CAR is published under its consistent (hash-prefixed) names first, which also migrates a
 * repository made before they existed.
 * `known` carries summaries already read (by `addCar`), so a CAR is not parsed twice.
 * @internal
 */
export async function reindex(
  dir: string,
  keys: RoleKeys,
  options: Omit<IndexRepositoryOptions, 'keysDir'>,
  known: ReadonlyMap<string, CarSummary> = new Map(),
): Promise<IndexResult> {
  const state = await readRepositoryState(dir);
  const previous = state.targets.signed.targets;
  const inspect = options.inspect ?? readCarSummary;
  // No cars/ folder yet: an empty repository. A folder that cannot be listed must not become one
  // (that would sign and publish targets without any driver).
  const names = (
    await readdir(join(dir, CARS_DIR)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw new ChassisError(
        'CHASSIS_E_REPO_STATE_UNREADABLE',
        `Cannot list ${join(dir, CARS_DIR)} (${err.message}); fix its permissions before indexing`,
        { details: { dir: join(dir, CARS_DIR) }, cause: err },
      );
    })
  ).sort();
  const targets: TargetFile[] = [];
  const byKey = new Map<string, string>();
  for (const name of names) {
    const m = /^([0-9a-f]{64})\.car$/.exec(name);
    if (!m) continue;
    const file = join(dir, CARS_DIR, name);
    const { sha256, length } = await digestFile(file);
    if (sha256 !== m[1]) {
      throw new ChassisError(
        'CHASSIS_E_REPO_TARGET_INVALID',
        `${CARS_DIR}/${name} does not match its name (sha256 ${sha256}); remove it and add the CAR again`,
        { details: { file, sha256 } },
      );
    }
    const old = previous[carTargetPath(sha256)];
    const target =
      old && old.length === length && old.hashes.sha256 === sha256 && entryOfTarget(old)
        ? old
        : carTarget(sha256, length, known.get(sha256) ?? (await inspect(file)));
    const entry = entryOfTarget(target)!;
    const key = driverKey(entry);
    const clash = byKey.get(key);
    if (clash) {
      throw new ChassisError(
        'CHASSIS_E_REPO_DUPLICATE_DRIVER',
        `${key} is in the repository twice (${clash} and ${sha256}); a version is published once`,
        { details: { driver: entry.id, version: entry.version, digests: [clash, sha256] } },
      );
    }
    byKey.set(key, sha256);
    await publishConsistentNames(dir, target);
    targets.push(target);
  }
  // The CA's revocation list, when published (see revocations.ts), is a target like the CARs.
  const revocations = await revocationsTarget(dir);
  if (revocations) {
    await publishConsistentNames(dir, revocations);
    targets.push(revocations);
  }
  const versions = {
    targets: state.targets.signed.version + 1,
    snapshot: state.snapshot.signed.version + 1,
    timestamp: state.timestamp.signed.version + 1,
  };
  const expiry = { ...DEFAULT_EXPIRY, ...options.expires };
  await writeIndex(dir, keys, targets, versions, expiry, options.now ?? new Date());
  return {
    targetsVersion: versions.targets,
    snapshotVersion: versions.snapshot,
    timestampVersion: versions.timestamp,
    drivers: targets.map((t) => entryOfTarget(t)!),
  };
}

/**
 * Regenerates the repository metadata from the CARs in `cars/` and signs new targets,
 * snapshot and timestamp versions (also the way to renew expiring metadata).
 */
export async function indexRepository(
  dir: string,
  options: IndexRepositoryOptions,
): Promise<IndexResult> {
  assertKeysOutside(dir, options.keysDir);
  const keys = await loadRoleKeys(options.keysDir);
  return reindex(dir, keys, options);
}
