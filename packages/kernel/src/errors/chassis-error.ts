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

  /** Plain data; `cause` chains are serialised too. */
  toJSON(): SerializedError {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      details: this.details,
      ...(this.cause === undefined ? {} : { cause: serializeError(this.cause) }),
      ...(this.stack ? { stack: this.stack } : {}),
    };
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

/** Serialises any thrown value; non-Chassis errors get `CHASSIS_E_UNKNOWN` with their name. */
export function serializeError(value: unknown): SerializedError {
  if (ChassisError.is(value)) return value.toJSON();
  if (value instanceof Error) {
    const { cause, code } = value as { cause?: unknown; code?: unknown };
    return {
      name: value.name,
      code: typeof code === 'string' ? code : 'CHASSIS_E_UNKNOWN',
      message: value.message,
      details: {},
      ...(cause === undefined ? {} : { cause: serializeError(cause) }),
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
