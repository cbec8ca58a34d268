import type { StateStore } from '@chassis/kernel';
import type { DriverRecord } from '@chassis/runtime';

/** One installed version as an install lock pins it. */
export interface InstalledVersion {
  readonly id: string;
  readonly version: string;
  readonly sha256: string;
}

/**
 * The cluster's installed set: every version of every `drivers/<id>` record in the shared
 * store (id, version, CAR digest), sorted. This is what an install anywhere in the cluster
 * changed, whatever this member managed to load; `chassis-server --verify-lock` compares a
 * lock with it as well as with what runs here.
 */
export async function sharedInstalledSet(store: StateStore): Promise<InstalledVersion[]> {
  const out: InstalledVersion[] = [];
  for (const { value } of await store.list<DriverRecord>('drivers/'))
    for (const v of value.versions)
      out.push({ id: value.id, version: v.version, sha256: v.sha256 });
  return out.sort((a, b) =>
    a.id !== b.id ? (a.id < b.id ? -1 : 1) : a.version < b.version ? -1 : +(a.version > b.version),
  );
}
