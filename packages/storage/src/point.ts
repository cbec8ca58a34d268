import { createExtensionPoint } from '@chassis/kernel';
import type { PrimaryStorageDriver } from './contract.js';

/** Version of the `storage.primary` contract this package speaks. */
export const PRIMARY_STORAGE_CONTRACT_VERSION = '1.0.0';

/** The category of storage drivers and resources. */
export const STORAGE_CATEGORY = 'storage';

/** The `storage.primary` extension point; drivers declare `provides: [{ point: storage.primary, version: ^1.0.0 }]`. */
export const PRIMARY_STORAGE = createExtensionPoint<PrimaryStorageDriver>(
  'storage.primary',
  PRIMARY_STORAGE_CONTRACT_VERSION,
  // Read-only methods an operator may run to test a resource.
  { safe: ['stats', 'capabilities'] },
);
