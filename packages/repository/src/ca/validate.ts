import { ChassisError } from '@chassis/kernel';

/** Checks a validity period in whole days (1..36500). */
export function checkDays(days: number, field: string): number {
  if (!Number.isInteger(days) || days < 1 || days > 36_500) {
    throw new ChassisError(
      'CHASSIS_E_CA_REQUEST_INVALID',
      `${field} must be a whole number of days between 1 and 36500, got ${days}`,
      { details: { field, value: days } },
    );
  }
  return days;
}

/** Checks a human-readable name (CA or vendor) that goes into a certificate subject. */
export function checkName(name: string, field: string): string {
  const value = typeof name === 'string' ? name.trim() : '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (value.length === 0 || value.length > 128 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ChassisError(
      'CHASSIS_E_CA_REQUEST_INVALID',
      `${field} must be 1-128 printable characters, got ${JSON.stringify(name)}`,
      { details: { field } },
    );
  }
  return value;
}

/** Checks an optional date option. */
export function checkDate(value: Date, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ChassisError('CHASSIS_E_CA_REQUEST_INVALID', `${field} is not a valid date`, {
      details: { field },
    });
  }
  return value;
}
