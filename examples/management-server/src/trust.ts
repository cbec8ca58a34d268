import {
  createRepositorySetup as createSetup,
  type RepositorySetup,
  type SetupDefaults,
  type TrustOptions,
  type TufOptions,
} from '@chassis/server';
import { DRIVER_IDS } from './resources.js';

export {
  HOST_CHASSIS_VERSION,
  HOST_CONTRACTS,
  type RepositorySetup,
  type TrustOptions,
  type TufOptions,
} from '@chassis/server';

/** The example drivers' ids: their CARs are unsigned, so without a CA the example allows them. */
export const EXAMPLE_UNSIGNED_IDS: readonly string[] = Object.values(DRIVER_IDS);

/** The demo's trust default: without a CA or `--allow-unsigned`, its own unsigned CARs install. */
export const EXAMPLE_TRUST_DEFAULTS: SetupDefaults = {
  allowUnsigned: EXAMPLE_UNSIGNED_IDS,
  note: '(the example CARs are unsigned; --allow-unsigned to change)',
};

/**
 * `@chassis/server`'s trust and repository setup with the demo's default: without a project CA
 * and without `--allow-unsigned`, the three unsigned example CARs are allowed (and it says so).
 */
export function createRepositorySetup(
  dataDir: string,
  trust: TrustOptions = {},
  tuf?: TufOptions,
): Promise<RepositorySetup> {
  return createSetup(dataDir, trust, tuf, EXAMPLE_TRUST_DEFAULTS);
}
