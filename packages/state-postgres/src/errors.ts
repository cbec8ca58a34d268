import { ChassisError } from '@chassis/kernel';

/** SQLSTATE classes / codes and socket errors that mean "the database is not reachable now". */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53300)/;
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
]);
const UNAVAILABLE_TEXT =
  /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|terminating connection/i;

/** True when `err` (from `pg`) means the connection or server is gone, not a bad statement. */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown };
  if (
    typeof e.code === 'string' &&
    (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_ERRNO.has(e.code))
  ) {
    return true;
  }
  return typeof e.message === 'string' && UNAVAILABLE_TEXT.test(e.message);
}

/**
 * The one error wrap for database calls: a lost connection or unreachable server becomes the
 * retryable `CHASSIS_E_STATE_UNAVAILABLE`; anything else `CHASSIS_E_STATE_IO`. `ambiguous`
 * says a write may or may not have committed (the statement was sent before the connection
 * died), so the caller must re-read before retrying.
 */
export function wrapDbError(err: unknown, what: string, ambiguous = false): ChassisError {
  if (ChassisError.is(err)) return err;
  if (isConnectionError(err)) {
    return new ChassisError(
      'CHASSIS_E_STATE_UNAVAILABLE',
      `The state database is unreachable while trying to ${what}: ${String((err as Error).message ?? err)}; the store reconnects by itself, retry${ambiguous ? ' after reading the record again (the write may have committed)' : ''}`,
      { cause: err, details: { retryable: true, ambiguous, operation: what } },
    );
  }
  return new ChassisError(
    'CHASSIS_E_STATE_IO',
    `The state database refused to ${what}: ${String((err as Error).message ?? err)}`,
    { cause: err, details: { operation: what } },
  );
}
