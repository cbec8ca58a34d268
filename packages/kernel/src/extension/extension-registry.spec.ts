import { describe, expect, expectTypeOf, it } from 'vitest';
import { ChassisError } from '../errors/chassis-error.js';
import type { ErrorCode } from '../errors/registry.js';
import { type ContractOf, createExtensionPoint, type ExtensionPoint } from './extension-point.js';
import { type BoundProvider, ExtensionRegistry, type ProviderSpec } from './extension-registry.js';

interface Primary {
  createVolume(name: string): Promise<string>;
}
const primary = createExtensionPoint<Primary>('storage.primary', '1.4.0');
const device = createExtensionPoint<{ implement(): void }>('network.device', '2.0.0');
const impl: Primary = { createVolume: async (name) => `vol-${name}` };

function registry(): ExtensionRegistry {
  const r = new ExtensionRegistry();
  r.registerPoint(primary);
  r.registerPoint(device);
  return r;
}

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    return ChassisError.is(err) ? err.code : undefined;
  }
  return undefined;
}

describe('ExtensionRegistry.bind', () => {
  const ok = { driverId: 'com.example.solidfire', version: '2.1.0' };
  it.each([
    { name: 'caret range containing the host version', range: '^1.0.0', code: undefined },
    { name: 'exact host version', range: '1.4.0', code: undefined },
    { name: 'x-range', range: '1.x', code: undefined },
    {
      name: 'range of an older minor only',
      range: '~1.2.0',
      code: 'CHASSIS_E_EXT_VERSION_MISMATCH',
    },
    { name: 'range of the next major', range: '^2.0.0', code: 'CHASSIS_E_EXT_VERSION_MISMATCH' },
    { name: 'range above the host minor', range: '^1.5.0', code: 'CHASSIS_E_EXT_VERSION_MISMATCH' },
    { name: 'not a range', range: 'latest', code: 'CHASSIS_E_EXT_VERSION_MISMATCH' },
  ])('$name ($range)', ({ range, code }) => {
    expect(codeOf(() => registry().bind(primary, { ...ok, range }))).toBe(code);
  });

  it('names driver, point, range and host version in a mismatch', () => {
    try {
      registry().bind(primary, { ...ok, range: '^2.0.0' });
      expect.unreachable();
    } catch (err) {
      expect(ChassisError.is(err, 'CHASSIS_E_EXT_VERSION_MISMATCH')).toBe(true);
      expect((err as ChassisError).details).toEqual({
        driver: 'com.example.solidfire@2.1.0',
        point: 'storage.primary',
        range: '^2.0.0',
        hostVersion: '1.4.0',
      });
      expect((err as ChassisError).message).toMatch(
        /com\.example\.solidfire@2\.1\.0.*storage\.primary.*\^2\.0\.0.*1\.4\.0/,
      );
    }
  });

  it('refuses unknown points, by token or id', () => {
    const other = createExtensionPoint('hypervisor', '1.0.0');
    expect(codeOf(() => registry().bind(other, { ...ok, range: '^1.0.0' }))).toBe(
      'CHASSIS_E_EXT_UNKNOWN_POINT',
    );
    expect(codeOf(() => registry().bind('nope', { ...ok, range: '*' }))).toBe(
      'CHASSIS_E_EXT_UNKNOWN_POINT',
    );
    expect(codeOf(() => registry().providers('nope'))).toBe('CHASSIS_E_EXT_UNKNOWN_POINT');
  });

  it('refuses the same driver version twice, but allows two versions side by side', () => {
    const r = registry();
    r.bind(primary, { ...ok, range: '^1.0.0' });
    expect(codeOf(() => r.bind('storage.primary', { ...ok, range: '^1.0.0' }))).toBe(
      'CHASSIS_E_EXT_DUPLICATE_PROVIDER',
    );
    r.bind(primary, { ...ok, version: '2.10.0', range: '^1.0.0' });
    r.bind(primary, { ...ok, version: '2.9.0', range: '^1.0.0' });
    expect(r.providers(primary).map((p) => p.version)).toEqual(['2.1.0', '2.9.0', '2.10.0']);
  });
});

describe('ExtensionRegistry', () => {
  it('lists providers sorted by driver then version, with their implementation', async () => {
    const r = registry();
    r.bind(primary, {
      driverId: 'b.vendor',
      version: '1.0.0',
      range: '^1.0.0',
      implementation: impl,
    });
    r.bind(primary, { driverId: 'a.vendor', version: '1.0.0', range: '^1.4.0' });
    const list = r.providers(primary);
    expect(list.map((p) => p.driverId)).toEqual(['a.vendor', 'b.vendor']);
    expect('implementation' in list[0]).toBe(false);
    expect(await list[1].implementation?.createVolume('x')).toBe('vol-x');
    expect(r.providers('network.device')).toEqual([]);
    expect(Object.isFrozen(list)).toBe(true);
  });

  it('unbinds a driver version from every point it provides', () => {
    const r = registry();
    r.bind(primary, { driverId: 'x', version: '1.0.0', range: '^1.0.0' });
    r.bind(device, { driverId: 'x', version: '1.0.0', range: '^2.0.0' });
    r.bind(device, { driverId: 'x', version: '1.1.0', range: '^2.0.0' });
    expect(r.unbind('x', '1.0.0')).toEqual(['network.device', 'storage.primary']);
    expect(r.providers(primary)).toEqual([]);
    expect(r.providers(device).map((p) => p.version)).toEqual(['1.1.0']);
    expect(r.unbind('x', '1.0.0')).toEqual([]);
  });

  it('registers a point once per id and contract version', () => {
    const r = registry();
    expect(r.registerPoint(createExtensionPoint('storage.primary', '1.4.0')).id).toBe(
      'storage.primary',
    );
    expect(codeOf(() => r.registerPoint(createExtensionPoint('storage.primary', '2.0.0')))).toBe(
      'CHASSIS_E_EXT_DUPLICATE_POINT',
    );
    expect(
      codeOf(() => r.registerPoint({ id: 'fake', version: '1.0.0' } as ExtensionPoint<unknown>)),
    ).toBe('CHASSIS_E_EXT_INVALID_POINT');
    expect(r.points().map((p) => p.id)).toEqual(['network.device', 'storage.primary']);
    expect(r.point('storage.primary')?.version).toBe('1.4.0');
    expect([...r.pointMap().keys()].sort()).toEqual(['network.device', 'storage.primary']);
  });

  it('carries the contract type in the token and the providers', () => {
    expectTypeOf(primary).toEqualTypeOf<ExtensionPoint<Primary>>();
    expectTypeOf<ContractOf<typeof primary>>().toEqualTypeOf<Primary>();
    expectTypeOf(registry().providers(primary)).toEqualTypeOf<readonly BoundProvider<Primary>[]>();
    expectTypeOf(registry().providers('storage.primary')).toEqualTypeOf<
      readonly BoundProvider<unknown>[]
    >();
    expectTypeOf<ProviderSpec<Primary>['implementation']>().toEqualTypeOf<Primary | undefined>();
    // @ts-expect-error an implementation of the wrong contract is a compile error
    registry().bind(primary, {
      driverId: 'x',
      version: '1.0.0',
      range: '^1.0.0',
      implementation: { nope: 1 },
    });
  });
});
