/** One operation of a built-in extension point, as the scaffold writes it. */
export interface ScaffoldOperation {
  readonly name: string;
  /** Parameters after `ctx`, `[name, type]`. */
  readonly params: ReadonlyArray<readonly [string, string]>;
  /** The contract's result type (without `Awaitable`). */
  readonly returns: string;
  /** A working body for the operation the generated test runs; others throw "not implemented". */
  readonly body?: string;
}

/** A built-in extension point: its contract package, contract type and operations. */
export interface ScaffoldPoint {
  readonly contractPackage: string;
  readonly contractType: string;
  readonly operations: readonly ScaffoldOperation[];
  /** The operation the generated unit test calls, and what it asserts on the result. */
  readonly sample: { readonly operation: string; readonly args: string; readonly expect: string };
}

const op = (
  name: string,
  params: ScaffoldOperation['params'],
  returns: string,
  body?: string,
): ScaffoldOperation => ({ name, params, returns, ...(body ? { body } : {}) });

/**
 * Every operation of the three built-in extension points, with the parameter and result types of
 * `@chassis/network`, `@chassis/storage` and `@chassis/hypervisor` (a table, so that a contract
 * change is one edit here; the scaffold test compiles the output against the real contracts).
 */
export const SCAFFOLD_POINTS: Readonly<Record<string, ScaffoldPoint>> = {
  'network.device': {
    contractPackage: '@chassis/network',
    contractType: 'NetworkDeviceDriver',
    operations: [
      op('provider', [], 'NetworkProvider'),
      op('capabilities', [], 'NetworkCapabilities', 'return { firewall: {} };'),
      op('verifyServices', [['services', 'readonly NetworkService[]']], 'ServiceCheck'),
      op('implement', [['network', 'NetworkSpec']], 'ImplementedNetwork'),
      op(
        'prepareNic',
        [
          ['networkId', 'string'],
          ['nic', 'NicSpec'],
        ],
        'Nic',
      ),
      op(
        'releaseNic',
        [
          ['networkId', 'string'],
          ['nicId', 'string'],
        ],
        'void',
      ),
      op(
        'applyIps',
        [
          ['networkId', 'string'],
          ['ips', 'readonly PublicIp[]'],
        ],
        'IpApplyResult',
      ),
      op(
        'shutdown',
        [
          ['networkId', 'string'],
          ['cleanup', 'boolean'],
        ],
        'boolean',
      ),
      op('destroy', [['networkId', 'string']], 'boolean'),
    ],
    sample: { operation: 'capabilities', args: '', expect: 'toHaveProperty("firewall")' },
  },
  'storage.primary': {
    contractPackage: '@chassis/storage',
    contractType: 'PrimaryStorageDriver',
    operations: [
      op('initialize', [], 'PoolInfo'),
      op('attach', [['scope', 'AttachScope']], 'AttachResult'),
      op('setMaintenance', [['enabled', 'boolean']], 'PoolStatus'),
      op('createVolume', [['spec', 'VolumeSpec']], 'Volume'),
      op('deleteVolume', [['volumeId', 'string']], 'void'),
      op(
        'resizeVolume',
        [
          ['volumeId', 'string'],
          ['newSizeBytes', 'number'],
        ],
        'Volume',
      ),
      op(
        'takeSnapshot',
        [
          ['volumeId', 'string'],
          ['name', 'string'],
        ],
        'Snapshot',
      ),
      op('revertSnapshot', [['snapshotId', 'string']], 'Volume'),
      op(
        'grantAccess',
        [
          ['volumeId', 'string'],
          ['host', 'HostAccess'],
        ],
        'AccessGrant',
      ),
      op(
        'revokeAccess',
        [
          ['volumeId', 'string'],
          ['hostId', 'string'],
        ],
        'void',
      ),
      op('stats', [], 'PoolStats'),
      op(
        'capabilities',
        [],
        'StorageCapabilities',
        "return {\n      protocols: ['iscsi'],\n      snapshots: false,\n      revertSnapshot: false,\n      resize: false,\n      shrink: false,\n      qos: false,\n      thinProvisioning: false,\n    };",
      ),
    ],
    sample: {
      operation: 'capabilities',
      args: '',
      expect: "toMatchObject({ protocols: ['iscsi'] })",
    },
  },
  hypervisor: {
    contractPackage: '@chassis/hypervisor',
    contractType: 'HypervisorDriver',
    operations: [
      op('discoverHosts', [['query', 'HostQuery']], 'readonly HostInfo[]'),
      op('toVmSpec', [['profile', 'VmProfile']], 'VmSpec'),
      op(
        'startVm',
        [
          ['spec', 'VmSpec'],
          ['hostId', 'string'],
        ],
        'VmStatus',
      ),
      op(
        'stopVm',
        [
          ['vmName', 'string'],
          ['options', 'StopVmOptions'],
        ],
        'VmStatus',
      ),
      op('rebootVm', [['vmName', 'string']], 'VmStatus'),
      op(
        'migrateVm',
        [
          ['vmName', 'string'],
          ['targetHostId', 'string'],
        ],
        'VmStatus',
      ),
      op('vmStates', [['hostId?', 'string']], 'readonly VmStatus[]', 'return [];'),
      op('hostStats', [['hostId', 'string']], 'HostStats'),
    ],
    sample: { operation: 'vmStates', args: '', expect: 'toEqual([])' },
  },
};

/** The result types an extension point's operations name (for the `import type` line). */
export function typeNames(point: ScaffoldPoint): string[] {
  const names = new Set<string>();
  for (const o of point.operations) {
    for (const t of [o.returns, ...o.params.map(([, type]) => type)]) {
      for (const m of t.matchAll(/\b[A-Z]\w*/g)) names.add(m[0]);
    }
  }
  return [...names].sort();
}
