import { createExtensionPoint } from '@chassis/kernel';
import type { NetworkDeviceDriver } from './contract.js';

/** Version of the `network.device` contract this package speaks. */
export const NETWORK_DEVICE_CONTRACT_VERSION = '1.0.0';

/** The category of network drivers and resources. */
export const NETWORK_CATEGORY = 'network';

/** The `network.device` extension point. */
export const NETWORK_DEVICE = createExtensionPoint<NetworkDeviceDriver>(
  'network.device',
  NETWORK_DEVICE_CONTRACT_VERSION,
  // Read-only methods an operator may run to test a resource.
  { safe: ['capabilities', 'provider'] },
);
