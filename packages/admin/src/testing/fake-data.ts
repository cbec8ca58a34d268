import type { DriverDescriptor, MessageCatalog } from '@chassis/kernel';

/** One driver version the fake knows: its descriptor and its CAR's message files. */
export interface FakeCatalogEntry {
  readonly descriptor: DriverDescriptor;
  readonly messages: MessageCatalog;
}

const base = {
  license: 'Apache-2.0',
  entry: 'classes/index.js',
  engines: { chassis: '^1.0.0' },
} as const;

function solidfire(version: string): DriverDescriptor {
  return {
    ...base,
    id: 'com.example.solidfire',
    name: 'SolidFire primary storage',
    description: 'SolidFire-like primary storage',
    version,
    vendor: 'Example Storage Inc.',
    category: 'storage',
    isolation: 'worker',
    provides: [{ point: 'storage.primary', version: '^1.0.0' }],
    requires: [],
    properties: [
      {
        key: 'mVip',
        labelKey: 'sf.mvip',
        descriptionKey: 'sf.mvip.d',
        type: 'string',
        required: true,
        maxLength: 255,
      },
      { key: 'mPort', labelKey: 'sf.mport', type: 'number', default: 443 },
      { key: 'sVip', labelKey: 'sf.svip', type: 'string', maxLength: 255 },
      { key: 'sPort', labelKey: 'sf.sport', type: 'number', default: 3260 },
      { key: 'clusterAdminUsername', labelKey: 'sf.user', type: 'string', required: true },
      {
        key: 'clusterAdminPassword',
        labelKey: 'sf.password',
        type: 'string',
        required: true,
        secret: true,
      },
      { key: 'minIops', labelKey: 'sf.miniops', type: 'number', default: 100 },
      { key: 'maxIops', labelKey: 'sf.maxiops', type: 'number', default: 15000 },
    ],
  };
}

const solidfireMessages: MessageCatalog = {
  en: {
    'sf.mvip': 'Management VIP',
    'sf.mvip.d': 'Cluster management address',
    'sf.mport': 'Management port',
    'sf.svip': 'Storage VIP',
    'sf.sport': 'Storage port',
    'sf.user': 'Cluster admin user',
    'sf.password': 'Cluster admin password',
    'sf.miniops': 'Minimum IOPS',
    'sf.maxiops': 'Maximum IOPS',
  },
  fr: {
    'sf.mvip': 'VIP de gestion',
    'sf.mvip.d': 'Adresse de gestion du cluster',
    'sf.password': 'Mot de passe administrateur',
  },
};

function nvp(version: string): DriverDescriptor {
  return {
    ...base,
    id: 'org.example.nvp',
    name: 'NVP network controller',
    version,
    vendor: 'Example Networks',
    category: 'network',
    isolation: 'process',
    provides: [{ point: 'network.device', version: '^1.0.0' }],
    requires: [],
    properties: [
      { key: 'hostname', labelKey: 'nvp.host', type: 'string', required: true },
      { key: 'username', labelKey: 'nvp.user', type: 'string', required: true },
      { key: 'password', labelKey: 'nvp.password', type: 'string', required: true, secret: true },
      { key: 'transportZoneUuid', labelKey: 'nvp.tz', type: 'string', required: true },
      { key: 'l3GatewayServiceUuid', labelKey: 'nvp.l3', type: 'string' },
    ],
  };
}

const nvpMessages: MessageCatalog = {
  en: {
    'nvp.host': 'Controller host name',
    'nvp.user': 'User name',
    'nvp.password': 'Password',
    'nvp.tz': 'Transport zone UUID',
    'nvp.l3': 'L3 gateway service UUID',
  },
};

function kvm(version: string): DriverDescriptor {
  return {
    ...base,
    id: 'com.example.kvm',
    name: 'KVM hosts',
    version,
    vendor: 'Example Virtualization',
    category: 'hypervisor',
    isolation: 'in-process',
    provides: [{ point: 'hypervisor', version: '^1.0.0' }],
    requires: [],
    properties: [
      { key: 'url', labelKey: 'kvm.url', type: 'string', required: true },
      { key: 'username', labelKey: 'kvm.user', type: 'string', required: true },
      { key: 'password', labelKey: 'kvm.password', type: 'string', required: true, secret: true },
    ],
  };
}

const kvmMessages: MessageCatalog = {
  en: { 'kvm.url': 'Host URL', 'kvm.user': 'User name', 'kvm.password': 'Password' },
};

/** Every version the fake repository offers, by driver id. */
export function fakeCatalog(): FakeCatalogEntry[] {
  return [
    { descriptor: solidfire('2.0.0'), messages: solidfireMessages },
    { descriptor: solidfire('2.1.0'), messages: solidfireMessages },
    { descriptor: nvp('1.0.0'), messages: nvpMessages },
    { descriptor: kvm('1.0.0'), messages: kvmMessages },
  ];
}

/** What the fake starts with: installed versions, and resources with their configuration. */
export const FAKE_SEED = {
  installed: [
    { id: 'com.example.solidfire', version: '2.0.0' },
    { id: 'org.example.nvp', version: '1.0.0' },
    { id: 'com.example.kvm', version: '1.0.0', failed: true },
  ],
  resources: [
    {
      id: 'pool-1',
      kind: 'primary-storage-pool',
      driverId: 'com.example.solidfire',
      name: 'Gold pool',
      properties: {
        mVip: '10.0.0.10',
        sVip: '10.0.1.10',
        clusterAdminUsername: 'admin',
        clusterAdminPassword: 's3cret-pool',
      },
    },
    {
      id: 'pool-2',
      kind: 'primary-storage-pool',
      driverId: 'com.example.solidfire',
      name: 'Silver pool',
      properties: {
        mVip: '10.0.0.20',
        clusterAdminUsername: 'admin',
        clusterAdminPassword: 's3cret-silver',
      },
    },
    {
      id: 'net-1',
      kind: 'network',
      driverId: 'org.example.nvp',
      properties: {
        hostname: 'nvp.example.test',
        username: 'nvp',
        password: 'nvp-pass',
        transportZoneUuid: '7d0f1e2a-0000-4000-8000-000000000001',
      },
    },
  ],
} as const;
