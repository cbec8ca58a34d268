import type { CatalogDriver } from '@chassis/kernel/summaries';
import { describe, expect, it } from 'vitest';
import { renderCatalog, renderCatalogDriver } from './catalog.js';

const version = (v: string, extra: Partial<CatalogDriver['versions'][number]> = {}) => ({
  version: v,
  signed: true,
  signer: { subject: 'CN=Example\nO=Storage', issuer: 'CN=CA', fingerprint256: 'AA', validTo: 'x' },
  compatible: true,
  installed: false,
  engines: { chassis: '^1.0.0' },
  provides: [{ point: 'storage.primary', version: '^1.0.0' }],
  sha256: 'ab'.repeat(32),
  length: 1024,
  ...extra,
});

const sf: CatalogDriver = {
  id: 'com.example.sf',
  name: 'SolidFire',
  vendor: 'Example',
  category: 'storage',
  description: 'Pools',
  latest: '1.1.0',
  installed: ['1.0.0'],
  versions: [
    version('2.0.0', { compatible: false, engines: { chassis: '^2.0.0' } }),
    version('1.1.0', { description: 'QoS' }),
    version('1.0.0', { installed: true, signed: false }),
  ],
};

describe('catalog rendering', () => {
  it.each([
    [[], '', 'the repository offers no drivers'],
    [[], 'x y', 'no driver in the repository matches "x y"; try fewer words'],
  ] as const)('says why nothing is listed (%j, %j)', (rows, q, text) => {
    expect(renderCatalog(rows, q)).toBe(text);
  });

  it("lists one line per driver with the latest compatible version's signer", () => {
    const out = renderCatalog([sf], 'sf');
    expect(out).toMatch(/^ID\s+LATEST\s+CATEGORY\s+VENDOR\s+INSTALLED\s+SIGNER\s+DESCRIPTION/);
    expect(out).toMatch(
      /com\.example\.sf\s+1\.1\.0\s+storage\s+Example\s+1\.0\.0\s+CN=Example\s+Pools/,
    );
    // The multi-line subject stays in its column.
    expect(out.split('\n')[2]).toMatch(/^\s+O=Storage$/);
  });

  it('shows every version, why one is not compatible, and how to install the latest', () => {
    const out = renderCatalogDriver(sf);
    expect(out).toMatch(/^2\.0\.0\s+no \(needs Chassis \^2\.0\.0\)/m);
    expect(out).toMatch(/^1\.0\.0\s+yes\s+yes\s+unsigned/m);
    expect(out).toContain('install with: chassis drivers install com.example.sf --version 1.1.0');
    expect(renderCatalogDriver({ ...sf, installed: ['1.1.0'] })).not.toContain('install with');
  });
});
