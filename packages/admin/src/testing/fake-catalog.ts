import { type CatalogDriver, type CatalogOffer, catalogDrivers } from '@chassis/runtime';
import { type FakeState, fail, fakeSha } from './fake-state.js';

/** The fake repository's versions as a repository would offer them (all signed, all compatible). */
function offers(s: FakeState): CatalogOffer[] {
  return [...s.catalog.values()].map(({ descriptor: d }) => ({
    id: d.id,
    version: d.version,
    name: d.name,
    vendor: d.vendor,
    category: d.category,
    description: `${d.name} ${d.version} by ${d.vendor}`,
    license: d.license,
    engines: { chassis: d.engines.chassis },
    provides: d.provides.map((p) => ({ point: p.point, version: p.version })),
    signed: true,
    signer: {
      subject: `CN=${d.vendor}`,
      issuer: 'CN=Chassis Project CA',
      fingerprint256: fakeSha(d.vendor, 'cert'),
      validTo: '2030-01-01T00:00:00.000Z',
    },
    sha256: fakeSha(d.id, d.version),
    length: 4096,
    compatible: true,
  }));
}

/** `RuntimeApi.searchCatalog`, through the runtime's own grouping and matching. */
export async function searchCatalog(s: FakeState, query?: string): Promise<CatalogDriver[]> {
  const installed = new Map([...s.drivers.values()].map((d) => [d.id, [...d.versions.keys()]]));
  return catalogDrivers(offers(s), installed, query);
}

/** `RuntimeApi.catalogDriver`. */
export async function catalogDriver(s: FakeState, id: string): Promise<CatalogDriver> {
  const found = (await searchCatalog(s)).find((d) => d.id === id);
  if (!found)
    fail('CHASSIS_E_REPO_DRIVER_NOT_FOUND', `The repository offers no driver ${id}.`, {
      driver: id,
    });
  return found;
}
