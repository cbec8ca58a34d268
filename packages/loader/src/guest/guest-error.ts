import type { SerializedError } from '@chassis/kernel';

const BRAND = Symbol.for('chassis.error');

/**
 * An error raised by the loader's own guest code (entry invalid, no such method). Kept free of
 * any runtime import from `@chassis/kernel` so the worker/process bootstrap stays small; the
 * host turns its serialised form back into a `ChassisError` with the same code.
 */
export class GuestError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ChassisError';
    this.code = code;
    this.details = details;
  }
}

/**
 * Plain-data form of any thrown value, the same shape as the kernel's `serializeError` (a
 * driver may throw a branded ChassisError from its own copy of the kernel; its `toJSON` wins).
 */
export function serializeGuestError(value: unknown, depth = 0): SerializedError {
  if (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return (value as { toJSON(): SerializedError }).toJSON();
  }
  if (value instanceof Error) {
    const { cause, code, details } = value as {
      cause?: unknown;
      code?: unknown;
      details?: unknown;
    };
    return {
      name: value.name,
      code: typeof code === 'string' ? code : 'CHASSIS_E_UNKNOWN',
      message: value.message,
      details: isPlainRecord(details) ? toPlain(details) : {},
      ...(cause === undefined || depth > 8 ? {} : { cause: serializeGuestError(cause, depth + 1) }),
      ...(value.stack ? { stack: value.stack } : {}),
    };
  }
  return {
    name: 'Error',
    code: 'CHASSIS_E_UNKNOWN',
    message: String(value),
    details: { thrown: typeof value },
  };
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reduces log fields or error details to data that survives structured clone: errors become
 * their serialised form, functions and symbols are dropped, cycles are cut.
 */
export function toPlain(value: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(
      JSON.stringify(value, (_k, v: unknown) => {
        if (v instanceof Error) return serializeGuestError(v);
        if (typeof v === 'bigint') return v.toString();
        return v;
      }),
    ) as Record<string, unknown>;
  } catch {
    return { unserializable: true };
  }
}
