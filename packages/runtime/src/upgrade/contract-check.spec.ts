import type { DriverDescriptor, ProvidesEntry } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { fakeDescriptor } from '../testing/fake-loader.js';
import { checkContractUpgrade } from './contract-check.js';

function d(version: string, provides: ProvidesEntry[]): DriverDescriptor {
  return fakeDescriptor('com.example.x', version, { name: 'x', provides });
}

describe('checkContractUpgrade', () => {
  it.each<[string, ProvidesEntry[], ProvidesEntry[], string | undefined]>([
    [
      'same major',
      [{ point: 'storage.primary', version: '^1.0.0' }],
      [{ point: 'storage.primary', version: '^1.2.0' }],
      undefined,
    ],
    [
      'rollback within major',
      [{ point: 'storage.primary', version: '^1.2.0' }],
      [{ point: 'storage.primary', version: '^1.0.0' }],
      undefined,
    ],
    [
      'major change undeclared',
      [{ point: 'storage.primary', version: '^1.0.0' }],
      [{ point: 'storage.primary', version: '^2.0.0' }],
      'CHASSIS_E_UPGRADE_CONTRACT_MAJOR',
    ],
    [
      'major change declared',
      [{ point: 'storage.primary', version: '^1.0.0' }],
      [{ point: 'storage.primary', version: '^2.0.0', handles: ['^1.0.0'] }],
      undefined,
    ],
    [
      'declares a different old major',
      [{ point: 'storage.primary', version: '^1.0.0' }],
      [{ point: 'storage.primary', version: '^3.0.0', handles: ['^2.0.0'] }],
      'CHASSIS_E_UPGRADE_CONTRACT_MAJOR',
    ],
    [
      'dropped contract',
      [{ point: 'storage.primary', version: '^1.0.0' }],
      [{ point: 'storage.image', version: '^1.0.0' }],
      'CHASSIS_E_UPGRADE_CONTRACT_MAJOR',
    ],
    [
      'extra contract is fine',
      [{ point: 'storage.primary', version: '^1.0.0' }],
      [
        { point: 'storage.primary', version: '^1.0.0' },
        { point: 'storage.image', version: '^1.0.0' },
      ],
      undefined,
    ],
  ])('%s', (_name, from, to, code) => {
    expect(checkContractUpgrade(d('1.0.0', from), d('2.0.0', to))?.code).toBe(code);
  });
});
