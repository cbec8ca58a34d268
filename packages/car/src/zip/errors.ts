import { ChassisError } from '@chassis/kernel';
import { printable } from '../layout.js';

/** `CHASSIS_E_CAR_CORRUPT`: the bytes are not a zip the reader can trust. */
export function corrupt(file: string, why: string, entry?: string, cause?: unknown): ChassisError {
  return new ChassisError('CHASSIS_E_CAR_CORRUPT', `${file} is truncated or corrupt: ${why}`, {
    details: { file, ...(entry ? { entry } : {}) },
    ...(cause ? { cause } : {}),
  });
}

/** `CHASSIS_E_CAR_TOO_LARGE`: an entry or the archive is over a size limit. */
export function tooLarge(file: string, why: string, entry: string): ChassisError {
  return new ChassisError('CHASSIS_E_CAR_TOO_LARGE', `${file}: ${why}`, {
    details: { file, entry },
  });
}

/** `CHASSIS_E_CAR_UNSUPPORTED_ENTRY`: a zip feature CARs do not allow. */
export function unsupported(file: string, entry: string, why: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CAR_UNSUPPORTED_ENTRY',
    `Entry "${printable(entry)}" in ${file} ${why}`,
    { details: { file, entry } },
  );
}

/** A cause's message, for embedding in ours. */
export function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
