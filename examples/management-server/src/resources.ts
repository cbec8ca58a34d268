/** The example drivers' ids. */
export const DRIVER_IDS = {
  network: 'com.example.nvp',
  storage: 'com.example.solidfire',
  hypervisor: 'com.example.kvm',
} as const;

/** One resource the demo creates, bound to the active version of its driver. */
export interface DemoResource {
  readonly id: string;
  readonly kind: string;
  readonly driverId: string;
  readonly name: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * One resource per example driver, configured as an operator would: an NVP controller cluster
 * with an L3 gateway service (so networks get source NAT and a gateway), a SolidFire cluster
 * (ports and IOPS defaults left to the descriptor) and a KVM cluster reached over libvirt TLS.
 * The passwords are demo values; they are stored encrypted and printed masked.
 */
export const DEMO_RESOURCES: readonly DemoResource[] = [
  {
    id: 'nvp-1',
    kind: 'network-device',
    driverId: DRIVER_IDS.network,
    name: 'NVP controller cluster, zone 1',
    properties: {
      hostname: 'nvp-controller.zone1.example.net',
      username: 'admin',
      password: 'nvp-demo-password',
      transportZoneUuid: '1f4e5c7a-9b2d-4e61-8a3f-0c5d7e9b1a24',
      l3GatewayServiceUuid: '6b0d8e2f-3c4a-4f1b-9e7d-2a5c8b1f0d36',
    },
  },
  {
    id: 'pool-1',
    kind: 'primary-storage-pool',
    driverId: DRIVER_IDS.storage,
    name: 'SolidFire pool, zone 1',
    properties: {
      mVip: '10.20.0.10',
      sVip: '10.20.1.10',
      clusterAdminUsername: 'cloudstack',
      clusterAdminPassword: 'sf-demo-password',
    },
  },
  {
    id: 'kvm-1',
    kind: 'hypervisor-cluster',
    driverId: DRIVER_IDS.hypervisor,
    name: 'KVM cluster A, zone 1',
    properties: {
      url: 'qemu+tls://kvm-a.zone1.example.net/system',
      username: 'cloudstack',
      password: 'kvm-demo-password',
    },
  },
];

/**
 * A configuration change to `pool-1` that breaks three rules at once: a management VIP longer
 * than its 255-character limit, a port sent as a string, and the required admin user name
 * removed (`null` removes a key). It must be refused with all three violations, and the pool
 * keep its configuration.
 */
export const BAD_POOL_CHANGE: Readonly<Record<string, unknown>> = {
  mVip: `${'storage-cluster-management-'.repeat(10)}.example.net`,
  mPort: '443',
  clusterAdminUsername: null,
};
