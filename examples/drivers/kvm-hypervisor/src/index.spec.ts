import type { VmProfile } from '@chassis/hypervisor';
import { fakeContext } from '@chassis/kernel/testing';
import { describe, expect, it } from 'vitest';
import { projectMessages } from './__fixtures__/project.js';
import driver from './index.js';
import type { KvmProperties } from './properties.js';

const GiB = 2 ** 30;
const props: KvmProperties = Object.freeze({
  url: 'qemu+ssh://kvm1.example.net/system',
  username: 'root',
  password: 'secret',
});
const kvm = driver.provides.hypervisor;
const messages = projectMessages();
let n = 0;
const ctx = (p: KvmProperties = props, locale = 'en') =>
  fakeContext(p, { resourceId: `kvm-${++n}`, locale, messages });
const profile: VmProfile = {
  name: 'i-2-10-VM',
  cpus: 4,
  memoryBytes: 8 * GiB,
  disks: [{ volumeId: '7', path: '/dev/disk/by-path/ip-10.20.0.10:3260-iscsi-iqn.x-lun-0' }],
  nics: [
    {
      nicId: 'nic-1',
      mac: '02:00:00:00:00:01',
      networkId: 'net-1',
      broadcastUri: 'lswitch:3b4c6d2e-1f00',
    },
  ],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('KVM example driver', () => {
  it('discovers the hosts behind the URL', () => {
    const hosts = kvm.discoverHosts(ctx(), {});
    expect(hosts.map((h) => [h.id, h.hypervisorVersion, h.state])).toEqual([
      ['kvm1-h1', '8.0.0', 'up'],
      ['kvm1-h2', '8.0.0', 'up'],
      ['kvm1-h3', '6.2.0', 'up'],
    ]);
  });

  it('refuses a URL without a host', () => {
    expect(codeOf(() => kvm.discoverHosts(ctx({ ...props, url: 'not a url' }), {}))).toBe(
      'KVM_BAD_URL',
    );
  });

  it('translates a profile into a libvirt domain definition', () => {
    const spec = kvm.toVmSpec(ctx(), { ...profile, name: "evil'<vm>" });
    expect(spec).toMatchObject({ cpus: 4, memoryBytes: 8 * GiB });
    expect(spec.definition).toContain("<memory unit='KiB'>8388608</memory>");
    expect(spec.definition).toContain("<vcpu placement='static'>4</vcpu>");
    expect(spec.definition).toContain("<target dev='vda' bus='virtio'/>");
    expect(spec.definition).toContain("<mac address='02:00:00:00:00:01'/>");
    expect(spec.definition).toContain("<source bridge='br-3b4c6d2e1f0'/>");
    expect(spec.definition).toContain('<name>evil&apos;&lt;vm&gt;</name>');
  });

  it('runs a VM through start, reboot, stop and start again', () => {
    const c = ctx();
    const spec = kvm.toVmSpec(c, profile);
    expect(kvm.startVm(c, spec, 'kvm1-h1')).toMatchObject({
      name: profile.name,
      hostId: 'kvm1-h1',
      state: 'running',
    });
    expect(codeOf(() => kvm.startVm(c, spec, 'kvm1-h2'))).toBe('KVM_VM_RUNNING');
    expect(kvm.rebootVm(c, profile.name).state).toBe('running');
    expect(kvm.stopVm(c, profile.name, { force: false }).state).toBe('stopped');
    expect(kvm.stopVm(c, profile.name, {}).state).toBe('stopped');
    expect(codeOf(() => kvm.rebootVm(c, profile.name))).toBe('KVM_VM_NOT_RUNNING');
    expect(kvm.startVm(c, spec, 'kvm1-h2').hostId).toBe('kvm1-h2');
    expect(kvm.vmStates(c).map((s) => [s.name, s.state])).toEqual([[profile.name, 'running']]);
    expect(kvm.vmStates(c, 'kvm1-h1')).toEqual([]);
  });

  it('accounts memory per host and refuses a VM that does not fit', () => {
    const c = ctx();
    const big = kvm.toVmSpec(c, { ...profile, name: 'big', memoryBytes: 60 * GiB });
    kvm.startVm(c, big, 'kvm1-h3');
    const stats = kvm.hostStats(c, 'kvm1-h3');
    expect(stats).toMatchObject({
      vmCount: 1,
      memoryUsedBytes: 61 * GiB,
      memoryTotalBytes: 64 * GiB,
      cpuUtilisation: 0.063,
    });
    const more = kvm.toVmSpec(c, { ...profile, name: 'more', memoryBytes: 4 * GiB });
    expect(codeOf(() => kvm.startVm(c, more, 'kvm1-h3'))).toBe('KVM_NO_MEMORY');
    expect(kvm.startVm(c, more, 'kvm1-h1').state).toBe('running');
  });

  it('live-migrates forward but never to an older libvirt', () => {
    const c = ctx();
    const spec = kvm.toVmSpec(c, profile);
    kvm.startVm(c, spec, 'kvm1-h1');
    expect(kvm.migrateVm(c, profile.name, 'kvm1-h2')).toMatchObject({
      hostId: 'kvm1-h2',
      state: 'running',
    });
    expect(codeOf(() => kvm.migrateVm(c, profile.name, 'kvm1-h2'))).toBe('KVM_SAME_HOST');
    expect(codeOf(() => kvm.migrateVm(c, profile.name, 'kvm1-h3'))).toBe('KVM_OLDER_LIBVIRT');
    expect(codeOf(() => kvm.migrateVm(c, profile.name, 'kvm9-h1'))).toBe('KVM_HOST_NOT_FOUND');
    kvm.stopVm(c, profile.name, {});
    expect(codeOf(() => kvm.migrateVm(c, profile.name, 'kvm1-h1'))).toBe('KVM_VM_NOT_RUNNING');
  });

  it.each([
    [
      'an unknown VM',
      (c: ReturnType<typeof ctx>) => kvm.stopVm(c, 'ghost', {}),
      'KVM_VM_NOT_FOUND',
    ],
    [
      'an unknown host',
      (c: ReturnType<typeof ctx>) => kvm.hostStats(c, 'nope'),
      'KVM_HOST_NOT_FOUND',
    ],
  ])('refuses %s', (_name, run, code) => {
    expect(codeOf(() => run(ctx()))).toBe(code);
  });

  it('explains errors in the caller locale', () => {
    try {
      kvm.stopVm(ctx(props, 'fr'), 'ghost', {});
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe(
        'La VM ghost est inconnue de la grappe kvm1.example.net.',
      );
    }
  });
});
