import { type ErrorCode, errorCodeSpec } from './registry.js';

const BRAND = Symbol.for('chassis.error');

/** Plain-data form of an error: what crosses worker, process and HTTP boundaries. */
export interface SerializedError {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly details: Record<string, unknown>;
  readonly cause?: SerializedError;
  readonly stack?: string;
}

/** Options for {@link ChassisError}. */
export interface ChassisErrorOptions {
  /** Machine-readable context: the driver, file, field, path... at fault. */
  readonly details?: Record<string, unknown>;
  /** The underlying error, kept (serialised) across boundaries. */
  readonly cause?: unknown;
}

/**
 * The one error class of Chassis. `code` is stable (see the registry); `details` is plain data;
 * `toJSON`/`fromJSON` round-trip through structured clone, JSON and HTTP. Recognise it with
 * {@link ChassisError.is}, never `instanceof`: a CAR or worker may hold another copy of this
 * class.
 */
export class ChassisError extends Error {
  /** Stable error code from the registry (or a code from a newer peer, kept verbatim). */
  readonly code: ErrorCode;
  /** Machine-readable context. */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ChassisErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChassisError';
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** HTTP status that the registry maps this code to. */
  get status(): number {
    return errorCodeSpec(this.code).status;
  }

  /** Plain data; `cause` chains are serialised too, up to {@link MAX_CAUSE_DEPTH} deep. */
  toJSON(): SerializedError {
    return serializeError(this);
  }

  /** Rebuilds an error from {@link SerializedError} (e.g. received from a worker). */
  static fromJSON(data: SerializedError): ChassisError {
    const err = new ChassisError(data.code as ErrorCode, data.message, {
      details: data.details ?? {},
      ...(data.cause ? { cause: ChassisError.fromJSON(data.cause) } : {}),
    });
    if (data.name && data.name !== 'ChassisError') err.name = data.name;
    if (data.stack) err.stack = data.stack;
    return err;
  }

  /** True for any ChassisError from any copy of this module; optionally of a given code. */
  static is(value: unknown, code?: ErrorCode): value is ChassisError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true &&
      (code === undefined || (value as ChassisError).code === code)
    );
  }
}

/** How many causes deep a serialised error goes; deeper ones (and cycles) are cut. */
export const MAX_CAUSE_DEPTH = 8;

/**
 * Serialises any thrown value, the one serializer of every tier (guests load it through the
 * dependency-free `@chassis/kernel/errors` subpath). A ChassisError from any copy of this module
 * keeps its code and details; another `Error` gets its own string `code` or `CHASSIS_E_UNKNOWN`,
 * and plain-record `details` as plain data. Causes are cut at {@link MAX_CAUSE_DEPTH}.
 */
export function serializeError(value: unknown, depth = 0): SerializedError {
  if (value instanceof Error || ChassisError.is(value)) {
    const { cause, code, details } = value as {
      cause?: unknown;
      code?: unknown;
      details?: unknown;
    };
    const { name, message, stack } = value as Error;
    return {
      name,
      code: typeof code === 'string' ? code : 'CHASSIS_E_UNKNOWN',
      message,
      details: isPlainRecord(details) ? (ChassisError.is(value) ? details : toPlain(details)) : {},
      ...(cause === undefined || depth >= MAX_CAUSE_DEPTH
        ? {}
        : { cause: serializeError(cause, depth + 1) }),
      ...(stack ? { stack } : {}),
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
 * Reduces log fields or error details to data that survives structured clone and JSON: errors
 * become their serialised form, bigints strings; functions and symbols are dropped. A value
 * that cannot be reduced (a cycle) becomes `{ unserializable: true }`.
 */
export function toPlain(value: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(
      JSON.stringify(value, (_k, v: unknown) => {
        if (v instanceof Error) return serializeError(v);
        if (typeof v === 'bigint') return v.toString();
        return v;
      }),
    ) as Record<string, unknown>;
  } catch {
    // A cycle or a throwing getter: the marker says so, instead of losing the whole message.
    return { unserializable: true };
  }
}

/** Wraps any thrown value as a ChassisError, keeping ChassisErrors as they are. */
export function toChassisError(
  value: unknown,
  code: ErrorCode,
  message?: string,
  details?: Record<string, unknown>,
): ChassisError {
  if (ChassisError.is(value)) return value;
  const text = value instanceof Error ? value.message : String(value);
  return new ChassisError(code, message ? `${message}: ${text}` : text, { cause: value, details });
}
