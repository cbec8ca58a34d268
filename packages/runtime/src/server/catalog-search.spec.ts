import { describe, expect, it } from 'vitest';
import type { CatalogOffer } from '../api/catalog.js';
import { catalogDrivers } from './catalog-search.js';

const offer = (id: string, version: string, extra: Partial<CatalogOffer> = {}): CatalogOffer => ({
  id,
  version,
  name: `${id} driver`,
  vendor: 'Example Inc.',
  category: 'storage',
  engines: { chassis: '^1.0.0' },
  provides: [{ point: 'storage.primary', version: '^1.0.0' }],
  signed: true,
  sha256: `${version}`.padEnd(64, '0'),
  length: 100,
  compatible: true,
  ...extra,
});

const offers = [
  offer('com.example.sf', '1.0.0', { description: 'SolidFire pools' }),
  offer('com.example.sf', '1.10.0', { description: 'SolidFire pools, QoS' }),
  offer('com.example.sf', '2.0.0', { compatible: false, description: 'Needs Chassis 2' }),
  offer('com.example.nvp', '1.0.0', { category: 'network', vendor: 'Net Corp', name: 'NVP' }),
];

describe('catalogDrivers', () => {
  it('groups per driver, newest version first, with the newest compatible as latest', () => {
    const [nvp, sf] = catalogDrivers(offers, new Map([['com.example.sf', ['1.0.0']]]));
    expect(nvp).toMatchObject({ id: 'com.example.nvp', latest: '1.0.0', installed: [] });
    expect(sf).toMatchObject({
      id: 'com.example.sf',
      latest: '1.10.0',
      installed: ['1.0.0'],
      description: 'Needs Chassis 2',
    });
    expect(sf!.versions.map((v) => [v.version, v.installed, v.compatible])).toEqual([
      ['2.0.0', false, false],
      ['1.10.0', false, true],
      ['1.0.0', true, true],
    ]);
    expect(sf!.versions[0]).not.toHaveProperty('id');
  });

  it.each([
    ['', ['com.example.nvp', 'com.example.sf']],
    ['  ', ['com.example.nvp', 'com.example.sf']],
    ['NETWORK', ['com.example.nvp']],
    ['net corp', ['com.example.nvp']],
    ['qos', ['com.example.sf']],
    ['solidfire nvp', []],
    ['example', ['com.example.nvp', 'com.example.sf']],
    ['nothing-like-this', []],
  ])('query %j matches %j', (query, ids) => {
    expect(catalogDrivers(offers, new Map(), query).map((d) => d.id)).toEqual(ids);
  });

  it('has no latest when no version is compatible', () => {
    const [d] = catalogDrivers([offer('a', '1.0.0', { compatible: false })], new Map());
    expect(d).not.toHaveProperty('latest');
  });
});
