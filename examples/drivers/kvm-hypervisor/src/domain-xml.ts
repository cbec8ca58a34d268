import type { VmProfile } from '@chassis/hypervisor';

const escapeXml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;')
    .replace(/"/g, '&quot;');

/** `vda`, `vdb`, … `vdz`, `vdaa`: libvirt's virtio disk names. */
function diskName(i: number): string {
  let name = '';
  let n = i;
  do {
    name = String.fromCharCode(97 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `vd${name}`;
}

/** The bridge a NIC plugs into: one per logical switch or VLAN. */
function bridgeOf(broadcastUri: string | undefined, networkId: string): string {
  const id = (broadcastUri ?? networkId).replace(/^[a-z]+:(\/\/)?/, '');
  return `br-${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 11)}`;
}

/** A libvirt domain definition for the profile (what `virsh define` would take). */
export function domainXml(profile: VmProfile): string {
  const disks = profile.disks.map(
    (d, i) =>
      `    <disk type='block' device='disk'>\n      <driver name='qemu' type='raw' cache='none'/>\n      <source dev='${escapeXml(d.path)}'/>\n      <target dev='${diskName(i)}' bus='virtio'/>\n      <serial>${escapeXml(d.volumeId)}</serial>\n    </disk>`,
  );
  const nics = profile.nics.map(
    (n) =>
      `    <interface type='bridge'>\n      <mac address='${escapeXml(n.mac)}'/>\n      <source bridge='${bridgeOf(n.broadcastUri, n.networkId)}'/>\n      <model type='virtio'/>\n    </interface>`,
  );
  return [
    "<domain type='kvm'>",
    `  <name>${escapeXml(profile.name)}</name>`,
    `  <memory unit='KiB'>${Math.ceil(profile.memoryBytes / 1024)}</memory>`,
    `  <vcpu placement='static'>${profile.cpus}</vcpu>`,
    `  <os><type arch='x86_64' machine='q35'>hvm</type></os>`,
    `  <metadata><os>${escapeXml(profile.os ?? 'linux')}</os></metadata>`,
    '  <devices>',
    ...disks,
    ...nics,
    '  </devices>',
    '</domain>',
  ].join('\n');
}
