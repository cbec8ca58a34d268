import { ChassisError, type DriverDefinition } from '@chassis/kernel';
import { recordingProvider, routerFor } from '@chassis/kernel/testing';
import { describe, expect, it } from 'vitest';
import type { PrimaryStorageDriver, VolumeSpec } from './contract.js';
import { StorageFacade } from './facade.js';
import { PRIMARY_STORAGE } from './point.js';

const { provider: recording, calls } = recordingProvider<PrimaryStorageDriver>();
const definition = { provides: { 'storage.primary': recording } } satisfies DriverDefinition;

function setup() {
  calls.length = 0;
  const router = routerFor(
    definition,
    { id: 'com.example.sf', version: '1.0.0' },
    {
      resources: [
        { id: 'pool-1', kind: 'primary-storage-pool', category: 'storage' },
        { id: 'net-1', kind: 'network', category: 'network' },
      ],
      propertiesFor: () => Object.freeze({ mVip: '10.0.0.1' }),
    },
  );
  return new StorageFacade(router);
}

const spec: VolumeSpec = { name: 'vol-a', sizeBytes: 2 ** 30, minIops: 100, maxIops: 1000 };
const host = { hostId: 'h1', initiator: 'iqn.1994-05.com.redhat:h1' };

describe('StorageFacade', () => {
  it('exposes the storage.primary token at contract 1.0.0', () => {
    expect(PRIMARY_STORAGE).toMatchObject({ id: 'storage.primary', version: '1.0.0' });
  });

  it.each([
    ['initialize', (f: StorageFacade) => f.initialize('pool-1'), []],
    [
      'attach',
      (f: StorageFacade) => f.attach('pool-1', { zoneId: 'z', hostIds: ['h1'] }),
      [{ zoneId: 'z', hostIds: ['h1'] }],
    ],
    ['setMaintenance', (f: StorageFacade) => f.setMaintenance('pool-1', true), [true]],
    ['createVolume', (f: StorageFacade) => f.createVolume('pool-1', spec), [spec]],
    ['deleteVolume', (f: StorageFacade) => f.deleteVolume('pool-1', 'v1'), ['v1']],
    [
      'resizeVolume',
      (f: StorageFacade) => f.resizeVolume('pool-1', 'v1', 2 ** 31),
      ['v1', 2 ** 31],
    ],
    [
      'takeSnapshot',
      (f: StorageFacade) => f.takeSnapshot('pool-1', 'v1', 'daily'),
      ['v1', 'daily'],
    ],
    ['revertSnapshot', (f: StorageFacade) => f.revertSnapshot('pool-1', 's1'), ['s1']],
    ['grantAccess', (f: StorageFacade) => f.grantAccess('pool-1', 'v1', host), ['v1', host]],
    ['revokeAccess', (f: StorageFacade) => f.revokeAccess('pool-1', 'v1', 'h1'), ['v1', 'h1']],
    ['stats', (f: StorageFacade) => f.stats('pool-1'), []],
    ['capabilities', (f: StorageFacade) => f.capabilities('pool-1'), []],
  ] as const)(
    '%s routes to the driver with its arguments and the pool context',
    async (method, run, args) => {
      const facade = setup();
      expect(await run(facade)).toEqual({ method });
      expect(calls).toEqual([{ method, args, props: { mVip: '10.0.0.1' }, resource: 'pool-1' }]);
    },
  );

  it.each([
    [
      'an empty volume name',
      (f: StorageFacade) => f.createVolume('pool-1', { ...spec, name: ' ' }),
    ],
    ['a zero size', (f: StorageFacade) => f.createVolume('pool-1', { ...spec, sizeBytes: 0 })],
    [
      'a fractional size',
      (f: StorageFacade) => f.createVolume('pool-1', { ...spec, sizeBytes: 1.5 }),
    ],
    [
      'minIops above maxIops',
      (f: StorageFacade) => f.createVolume('pool-1', { ...spec, minIops: 5000 }),
    ],
    ['negative IOPS', (f: StorageFacade) => f.createVolume('pool-1', { ...spec, maxIops: -1 })],
    ['a negative resize', (f: StorageFacade) => f.resizeVolume('pool-1', 'v1', -5)],
    ['an empty snapshot name', (f: StorageFacade) => f.takeSnapshot('pool-1', 'v1', '')],
    [
      'a host without initiator',
      (f: StorageFacade) => f.grantAccess('pool-1', 'v1', { hostId: 'h1', initiator: '' }),
    ],
    [
      'an attach without zone',
      (f: StorageFacade) => f.attach('pool-1', { zoneId: '', hostIds: [] }),
    ],
    [
      'a non-boolean maintenance flag',
      (f: StorageFacade) => f.setMaintenance('pool-1', 'yes' as never),
    ],
  ])(
    'refuses %s with a rejection (never a synchronous throw), before calling the driver',
    async (_name, run) => {
      const facade = setup();
      let result: Promise<unknown> | undefined;
      expect(() => {
        result = run(facade);
      }).not.toThrow();
      await expect(result).rejects.toMatchObject({ code: 'CHASSIS_E_FACADE_INVALID_ARGUMENT' });
      expect(calls).toHaveLength(0);
    },
  );

  it('refuses a resource of another category', async () => {
    const facade = setup();
    await expect(facade.stats('net-1')).rejects.toSatisfy((e) =>
      ChassisError.is(e, 'CHASSIS_E_FACADE_WRONG_CATEGORY'),
    );
    expect(calls).toHaveLength(0);
  });
});
