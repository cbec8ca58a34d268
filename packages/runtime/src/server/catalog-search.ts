import semver from 'semver';
import type { CatalogDriver, CatalogOffer, CatalogVersion } from '../api/catalog.js';

/** Newest first by semver; versions semver cannot read go last, by name. */
function newestFirst(a: string, b: string): number {
  const va = semver.valid(a);
  const vb = semver.valid(b);
  if (va && vb) return semver.rcompare(va, vb);
  if (va || vb) return va ? -1 : 1;
  return a.localeCompare(b);
}

/** The fields of one offered version, picked one by one: a source's extra fields stay out. */
function versionOf(o: CatalogOffer, installed: boolean): CatalogVersion {
  return {
    version: o.version,
    ...(o.description === undefined ? {} : { description: o.description }),
    ...(o.license === undefined ? {} : { license: o.license }),
    engines: { chassis: o.engines.chassis },
    provides: o.provides.map((p) => ({ point: p.point, version: p.version })),
    signed: o.signed,
    ...(o.signer === undefined
      ? {}
      : {
          signer: {
            subject: o.signer.subject,
            issuer: o.signer.issuer,
            fingerprint256: o.signer.fingerprint256,
            validTo: o.signer.validTo,
          },
        }),
    sha256: o.sha256,
    length: o.length,
    compatible: o.compatible,
    installed,
  };
}

/**
 * True when every word of `query` (case-insensitive) occurs in the driver's id, name, vendor,
 * category or in the description of one of its versions. An empty query matches everything.
 */
export function matchesQuery(driver: CatalogDriver, query: string | undefined): boolean {
  const words = (query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [
    driver.id,
    driver.name,
    driver.vendor,
    driver.category,
    ...driver.versions.map((v) => v.description ?? ''),
  ]
    .join('\n')
    .toLowerCase();
  return words.every((w) => text.includes(w));
}

/**
 * Pure: the repository's offers grouped per driver (sorted by id, versions newest first),
 * marked with what this server has installed, filtered by `query` (see {@link matchesQuery}).
 * Name, vendor and description come from the newest version.
 */
export function catalogDrivers(
  offers: readonly CatalogOffer[],
  installed: ReadonlyMap<string, readonly string[]>,
  query?: string,
): CatalogDriver[] {
  const byId = new Map<string, CatalogOffer[]>();
  for (const o of offers) byId.set(o.id, [...(byId.get(o.id) ?? []), o]);
  const drivers: CatalogDriver[] = [];
  for (const [id, list] of [...byId].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...list].sort((a, b) => newestFirst(a.version, b.version));
    const newest = sorted[0]!;
    const have = installed.get(id) ?? [];
    const versions = sorted.map((o) => versionOf(o, have.includes(o.version)));
    const latest = sorted.find((o) => o.compatible)?.version;
    const driver: CatalogDriver = {
      id,
      name: newest.name,
      vendor: newest.vendor,
      category: newest.category,
      ...(newest.description === undefined ? {} : { description: newest.description }),
      ...(latest === undefined ? {} : { latest }),
      installed: [...have].sort(newestFirst),
      versions,
    };
    if (matchesQuery(driver, query)) drivers.push(driver);
  }
  return drivers;
}
