import { describe, expect, it } from 'vitest';
import type { DriverDescriptor, ProvidesEntry } from '../descriptor/driver-descriptor.js';
import { checkContractUpgrade, checkProvides } from './compatibility.js';
import { createExtensionPoint, type ExtensionPoint } from './extension-point.js';

const points = new Map<string, ExtensionPoint<unknown>>([
  ['storage.primary', createExtensionPoint('storage.primary', '1.2.0')],
  ['network.device', createExtensionPoint('network.device', '2.0.0')],
]);
const codes = (provides: ProvidesEntry[]) =>
  checkProvides({ id: 'com.example.d', version: '1.0.0', provides }, points).map((e) => e.code);

describe('checkProvides', () => {
  it.each([
    { name: 'nothing provided', provides: [], codes: [] },
    {
      name: 'one matching point',
      provides: [{ point: 'storage.primary', version: '^1.0.0' }],
      codes: [],
    },
    {
      name: 'two matching points',
      provides: [
        { point: 'storage.primary', version: '>=1.2.0 <2' },
        { point: 'network.device', version: '2.x' },
      ],
      codes: [],
    },
    {
      name: 'unknown point',
      provides: [{ point: 'storage.secondary', version: '^1.0.0' }],
      codes: ['CHASSIS_E_EXT_UNKNOWN_POINT'],
    },
    {
      name: 'range excludes the host version',
      provides: [{ point: 'network.device', version: '^1.0.0' }],
      codes: ['CHASSIS_E_EXT_VERSION_MISMATCH'],
    },
    {
      name: 'invalid range',
      provides: [{ point: 'network.device', version: 'two' }],
      codes: ['CHASSIS_E_EXT_VERSION_MISMATCH'],
    },
    {
      name: 'the same point twice',
      provides: [
        { point: 'storage.primary', version: '^1.0.0' },
        { point: 'storage.primary', version: '^1.1.0' },
      ],
      codes: ['CHASSIS_E_EXT_DUPLICATE_PROVIDER'],
    },
    {
      name: 'every problem at once',
      provides: [
        { point: 'nope', version: '*' },
        { point: 'network.device', version: '^3.0.0' },
        { point: 'nope', version: '*' },
      ],
      codes: [
        'CHASSIS_E_EXT_UNKNOWN_POINT',
        'CHASSIS_E_EXT_VERSION_MISMATCH',
        'CHASSIS_E_EXT_DUPLICATE_PROVIDER',
      ],
    },
  ])('$name', ({ provides, codes: expected }) => {
    expect(codes(provides)).toEqual(expected);
  });

  it('names the driver and the point in each error', () => {
    const [err] = checkProvides(
      { id: 'com.example.d', version: '1.0.0', provides: [{ point: 'x.y', version: '*' }] },
      points,
    );
    expect(err.details).toMatchObject({ driver: 'com.example.d@1.0.0', point: 'x.y' });
  });
});

function d(version: string, provides: ProvidesEntry[]): DriverDescriptor {
  return { id: 'com.example.x', version, provides } as unknown as DriverDescriptor;
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
