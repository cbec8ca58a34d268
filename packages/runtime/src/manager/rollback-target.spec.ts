import { describe, expect, it } from 'vitest';
import type { VersionRecord } from './records.js';
import { keptVersions, rollbackTarget } from './rollback-target.js';

const v = (version: string): VersionRecord => ({
  version,
  sha256: 'x',
  car: `/cars/${version}.car`,
  installedAt: '2026-01-01T00:00:00.000Z',
  signature: { signed: false },
});

const record = {
  id: 'com.example.sf',
  active: '1.2.0',
  previous: '1.1.0',
  versions: [v('1.0.0'), v('1.2.0'), v('1.1.0')],
};

describe('rollbackTarget', () => {
  it.each([
    ['no target: the previous version', record, undefined, '1.1.0'],
    ['an older kept version', record, '1.0.0', '1.0.0'],
    ['the previous version named', record, '1.1.0', '1.1.0'],
    ['a newer kept version (after a rollback)', { ...record, active: '1.0.0' }, '1.2.0', '1.2.0'],
  ] as const)('%s', (_name, rec, to, expected) => {
    expect(rollbackTarget(rec, to)).toBe(expected);
  });

  it.each([
    [
      'a version that is not kept',
      record,
      '0.9.0',
      'CHASSIS_E_UPGRADE_VERSION_NOT_KEPT',
      { version: '0.9.0', kept: ['1.2.0', '1.1.0', '1.0.0'] },
    ],
    ['the active version', record, '1.2.0', 'CHASSIS_E_UPGRADE_SAME_VERSION', { version: '1.2.0' }],
    [
      'no previous version',
      { ...record, previous: undefined },
      undefined,
      'CHASSIS_E_UPGRADE_NO_PREVIOUS',
      { kept: ['1.2.0', '1.1.0', '1.0.0'] },
    ],
    [
      'a previous version no longer kept',
      { ...record, previous: '0.5.0' },
      undefined,
      'CHASSIS_E_UPGRADE_NO_PREVIOUS',
      {},
    ],
  ] as const)('refuses %s', (_name, rec, to, code, details) => {
    let thrown: unknown;
    try {
      rollbackTarget(rec, to);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code, details: { driver: 'com.example.sf', ...details } });
  });

  it('names every kept version in the message of a refused target', () => {
    expect(() => rollbackTarget(record, '0.9.0')).toThrow(
      /kept versions: 1\.2\.0, 1\.1\.0, 1\.0\.0/,
    );
  });
});

describe('keptVersions', () => {
  it('sorts newest first, unparsable versions last', () => {
    expect(keptVersions({ versions: [v('1.0.0'), v('dev'), v('1.10.0'), v('1.9.0')] })).toEqual([
      '1.10.0',
      '1.9.0',
      '1.0.0',
      'dev',
    ]);
  });
});
