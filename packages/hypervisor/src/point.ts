import { createExtensionPoint } from '@chassis/kernel';
import type { HypervisorDriver } from './contract.js';

/** Version of the `hypervisor` contract this package speaks. */
export const HYPERVISOR_CONTRACT_VERSION = '1.0.0';

/** The category of hypervisor drivers and resources. */
export const HYPERVISOR_CATEGORY = 'hypervisor';

/** The `hypervisor` extension point. */
export const HYPERVISOR = createExtensionPoint<HypervisorDriver>(
  'hypervisor',
  HYPERVISOR_CONTRACT_VERSION,
  // Read-only methods an operator may run to test a resource.
  { safe: ['hostStats', 'vmStates', 'discoverHosts'] },
);
