/** One property the scaffold declares, with its English and French label/description. */
export interface ScaffoldProperty {
  readonly key: string;
  readonly type: 'string' | 'number' | 'boolean';
  readonly required?: boolean;
  readonly secret?: boolean;
  readonly default?: number | string | boolean;
  /** A realistic value for the generated test and `dev.properties.json`. */
  readonly sample: string | number | boolean;
  readonly en: readonly [label: string, description: string];
  readonly fr: readonly [label: string, description: string];
}

/** Realistic properties per category, after the devices in the design notes. */
export const SCAFFOLD_PROPERTIES: Readonly<
  Record<'network' | 'storage' | 'hypervisor', readonly ScaffoldProperty[]>
> = {
  network: [
    {
      key: 'hostname',
      type: 'string',
      required: true,
      sample: 'nvp.example.com',
      en: ['Controller host', 'Host name or address of the network controller API'],
      fr: ['Hôte du contrôleur', "Nom d'hôte ou adresse de l'API du contrôleur réseau"],
    },
    {
      key: 'username',
      type: 'string',
      required: true,
      sample: 'admin',
      en: ['User name', 'Account the driver signs in with'],
      fr: ["Nom d'utilisateur", 'Compte utilisé par le pilote'],
    },
    {
      key: 'password',
      type: 'string',
      required: true,
      secret: true,
      sample: 'change-me',
      en: ['Password', 'Password of that account (stored encrypted)'],
      fr: ['Mot de passe', 'Mot de passe de ce compte (stocké chiffré)'],
    },
    {
      key: 'transportZoneUuid',
      type: 'string',
      required: true,
      sample: '1c6d1f5e-0000-4000-8000-000000000001',
      en: ['Transport zone', 'UUID of the transport zone networks are created in'],
      fr: ['Zone de transport', 'UUID de la zone de transport des réseaux créés'],
    },
  ],
  storage: [
    {
      key: 'mVip',
      type: 'string',
      required: true,
      sample: '10.0.0.10',
      en: ['Management VIP', 'Management virtual IP of the storage cluster'],
      fr: ['VIP de gestion', 'Adresse IP virtuelle de gestion de la grappe de stockage'],
    },
    {
      key: 'mPort',
      type: 'number',
      default: 443,
      sample: 443,
      en: ['Management port', 'TCP port of the management API'],
      fr: ['Port de gestion', "Port TCP de l'API de gestion"],
    },
    {
      key: 'sVip',
      type: 'string',
      required: true,
      sample: '10.0.1.10',
      en: ['Storage VIP', 'Storage (iSCSI) virtual IP of the cluster'],
      fr: ['VIP de stockage', 'Adresse IP virtuelle de stockage (iSCSI) de la grappe'],
    },
    {
      key: 'clusterAdminUsername',
      type: 'string',
      required: true,
      sample: 'admin',
      en: ['Cluster admin', 'Cluster administrator account'],
      fr: ['Administrateur', 'Compte administrateur de la grappe'],
    },
    {
      key: 'clusterAdminPassword',
      type: 'string',
      required: true,
      secret: true,
      sample: 'change-me',
      en: ['Cluster admin password', 'Password of that account (stored encrypted)'],
      fr: ['Mot de passe administrateur', 'Mot de passe de ce compte (stocké chiffré)'],
    },
  ],
  hypervisor: [
    {
      key: 'url',
      type: 'string',
      required: true,
      sample: 'qemu+ssh://kvm1.example.com/system',
      en: ['Host URL', 'Address of the hypervisor host management API'],
      fr: ["URL de l'hôte", "Adresse de l'API de gestion de l'hôte hyperviseur"],
    },
    {
      key: 'username',
      type: 'string',
      required: true,
      sample: 'root',
      en: ['User name', 'Account the driver signs in with'],
      fr: ["Nom d'utilisateur", 'Compte utilisé par le pilote'],
    },
    {
      key: 'password',
      type: 'string',
      required: true,
      secret: true,
      sample: 'change-me',
      en: ['Password', 'Password of that account (stored encrypted)'],
      fr: ['Mot de passe', 'Mot de passe de ce compte (stocké chiffré)'],
    },
  ],
};
