import {
  ChassisError,
  maskSecrets,
  type PropertyViolation,
  SECRET_MASK,
  validateProperties,
} from '@chassis/kernel';
import { routerFor } from '@chassis/kernel/testing';
import { StorageFacade } from '@chassis/storage';
import { describe, expect, it } from 'vitest';
import { projectDescriptor, projectMessages } from './__fixtures__/project.js';
import driver from './index.js';

const descriptor = projectDescriptor();
const properties = descriptor.properties ?? [];
const messages = projectMessages();
const GiB = 2 ** 30;

function setup(config: Record<string, unknown>) {
  const bag = validateProperties(properties, config, { driver: descriptor.id, messages });
  return {
    bag,
    facade: new StorageFacade(
      routerFor(driver, descriptor, {
        resources: [{ id: 'pool-int', kind: 'primary-storage-pool', category: 'storage' }],
        propertiesFor: (r) => (r.id === 'pool-int' ? bag : undefined),
        messages,
      }),
    ),
  };
}

const valid = {
  mVip: '10.10.0.10',
  sVip: '10.20.0.10',
  clusterAdminUsername: 'admin',
  clusterAdminPassword: 's3cret',
};

describe('SolidFire driver through the storage facade', () => {
  it('validates its driver.yaml configuration with defaults and masks the password', () => {
    const { bag } = setup(valid);
    expect(bag).toMatchObject({ mPort: 443, sPort: 3260, minIops: 100, maxIops: 15000 });
    expect(maskSecrets(properties, bag).clusterAdminPassword).toBe(SECRET_MASK);
  });

  it('refuses a bad configuration with every violation and its label', () => {
    try {
      setup({ ...valid, mVip: 'x'.repeat(256), mPort: 'https', clusterAdminUsername: undefined });
      expect.unreachable();
    } catch (err) {
      expect(ChassisError.is(err, 'CHASSIS_E_PROPS_INVALID')).toBe(true);
      const violations = (err as ChassisError).details.violations as PropertyViolation[];
      expect(violations.map((v) => [v.key, v.rule, v.label])).toEqual([
        ['mVip', 'maxLength', 'Management VIP'],
        ['mPort', 'type', 'Management port'],
        ['clusterAdminUsername', 'required', 'Cluster admin user name'],
      ]);
    }
  });

  it('creates, snapshots and exports a volume with the configured defaults', async () => {
    const { facade } = setup({ ...valid, minIops: 300 });
    expect(await facade.initialize('pool-int')).toMatchObject({ endpoint: '10.20.0.10:3260' });
    const volume = await facade.createVolume('pool-int', { name: 'root-1', sizeBytes: 10 * GiB });
    expect(volume).toMatchObject({ sizeBytes: 10 * GiB, minIops: 300, maxIops: 15000 });
    await facade.takeSnapshot('pool-int', volume.id, 'nightly');
    const grant = await facade.grantAccess('pool-int', volume.id, {
      hostId: 'h1',
      initiator: 'iqn.h1',
    });
    expect(grant.target.address).toBe('10.20.0.10');
    expect(await facade.stats('pool-int')).toMatchObject({ volumeCount: 1, snapshotCount: 1 });
  });

  it('surfaces a driver refusal as CHASSIS_E_DRIVER_OPERATION_FAILED with the driver code', async () => {
    const { facade } = setup(valid);
    await expect(facade.resizeVolume('pool-int', '999', GiB)).rejects.toMatchObject({
      code: 'CHASSIS_E_DRIVER_OPERATION_FAILED',
      details: {
        errorCode: 'SF_VOLUME_NOT_FOUND',
        operation: 'storage.primary.resizeVolume',
        resource: 'pool-int',
      },
    });
  });
});
