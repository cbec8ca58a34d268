import { adminCodes } from './codes/admin.js';
import { carCodes } from './codes/car.js';
import { clusterCodes } from './codes/cluster.js';
import { devCodes } from './codes/dev.js';
import { facadeCodes } from './codes/facade.js';
import { kernelCodes } from './codes/kernel.js';
import { loaderCodes } from './codes/loader.js';
import { repositoryCodes } from './codes/repository.js';
import type { ErrorCodeSpec } from './codes/spec.js';
import { upgradeCodes } from './codes/upgrade.js';

/**
 * The one registry of stable error codes. Each area owns a file under `codes/`; a code, once
 * published, never changes meaning (clients and tests match on it, never on message text).
 */
export const ERROR_CODES = {
  ...kernelCodes,
  ...carCodes,
  ...loaderCodes,
  ...facadeCodes,
  ...upgradeCodes,
  ...repositoryCodes,
  ...adminCodes,
  ...clusterCodes,
  ...devCodes,
} as const;

/** Every stable Chassis error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is a registered Chassis error code. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The registry entry for a code; unknown codes map to `CHASSIS_E_UNKNOWN`'s entry. */
export function errorCodeSpec(code: string): ErrorCodeSpec {
  return isErrorCode(code) ? ERROR_CODES[code] : ERROR_CODES.CHASSIS_E_UNKNOWN;
}
