import { HypervisorFacade } from '@chassis/hypervisor';
import { ChassisError, type PropertyViolation, validateProperties } from '@chassis/kernel';
import { routerFor } from '@chassis/kernel/testing';
import { describe, expect, it } from 'vitest';
import { projectDescriptor, projectMessages } from './__fixtures__/project.js';
import driver from './index.js';

const descriptor = projectDescriptor();
const properties = descriptor.properties ?? [];
const messages = projectMessages();
const GiB = 2 ** 30;

function setup(config: Record<string, unknown>) {
  const bag = validateProperties(properties, config, { driver: descriptor.id, messages });
  return new HypervisorFacade(
    routerFor(driver, descriptor, {
      resources: [{ id: 'kvm-int', kind: 'cluster', category: 'hypervisor' }],
      propertiesFor: (r) => (r.id === 'kvm-int' ? bag : undefined),
      messages,
    }),
  );
}

const valid = { url: 'qemu+ssh://kvm1.example.net/system', username: 'root', password: 's3cret' };

describe('KVM driver through the hypervisor facade', () => {
  it('refuses a configuration of the wrong types with every violation', () => {
    try {
      setup({ url: 42, password: true, extra: 'x' });
      expect.unreachable();
    } catch (err) {
      expect(ChassisError.is(err, 'CHASSIS_E_PROPS_INVALID')).toBe(true);
      const violations = (err as ChassisError).details.violations as PropertyViolation[];
      expect(violations.map((v) => [v.key, v.rule, v.label])).toEqual([
        ['url', 'type', 'Host URL'],
        ['username', 'required', 'User name'],
        ['password', 'type', 'Password'],
        ['extra', 'unknown', 'extra'],
      ]);
    }
  });

  it('discovers hosts, starts, migrates and stops a VM', async () => {
    const hv = setup(valid);
    const hosts = await hv.discoverHosts('kvm-int');
    expect(hosts).toHaveLength(3);
    const spec = await hv.toVmSpec('kvm-int', {
      name: 'vm-1',
      cpus: 2,
      memoryBytes: 4 * GiB,
      disks: [],
      nics: [],
    });
    expect(spec.definition).toContain('<name>vm-1</name>');
    expect(await hv.startVm('kvm-int', spec, 'kvm1-h1')).toMatchObject({
      state: 'running',
      hostId: 'kvm1-h1',
    });
    expect(await hv.migrateVm('kvm-int', 'vm-1', 'kvm1-h2')).toMatchObject({ hostId: 'kvm1-h2' });
    expect(await hv.stopVm('kvm-int', 'vm-1')).toMatchObject({ state: 'stopped' });
    expect((await hv.hostStats('kvm-int', 'kvm1-h2')).vmCount).toBe(0);
  });

  it('explains a refused migration in the caller locale', async () => {
    const hv = setup(valid);
    const spec = await hv.toVmSpec('kvm-int', {
      name: 'vm-2',
      cpus: 1,
      memoryBytes: GiB,
      disks: [],
      nics: [],
    });
    await hv.startVm('kvm-int', spec, 'kvm1-h1');
    try {
      await hv.migrateVm('kvm-int', 'vm-2', 'kvm1-h3', { locale: 'fr' });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({
        code: 'CHASSIS_E_DRIVER_OPERATION_FAILED',
        details: { errorCode: 'KVM_OLDER_LIBVIRT', resource: 'kvm-int' },
      });
      expect((err as Error).message).toContain('Impossible de migrer à chaud la VM vm-2');
    }
  });
});
