import { ChassisError } from '@chassis/kernel';
import type { GuestInit, GuestMessage } from '../rpc/protocol.js';
import type { ExitInfo } from '../rpc/transport.js';

/** Turns how an environment ended into `CHASSIS_E_LOADER_DRIVER_CRASHED` with a precise cause. */
export function crashFault(
  who: string,
  init: GuestInit,
  tier: string,
  info: ExitInfo,
  fatal: Extract<GuestMessage, { t: 'fatal' }> | undefined,
  heapLimitMb: number | undefined,
): ChassisError {
  let reason: string;
  let what: string;
  let cause: unknown;
  if (info.kind === 'oversized') {
    // Process tier: refused by the frame header alone, never materialised. Worker tier: measured
    // once Node had delivered it, then dropped (a port has no header to read first).
    const how = tier === 'process' ? 'refused it unread' : 'dropped it';
    return new ChassisError(
      'CHASSIS_E_LOADER_MESSAGE_TOO_LARGE',
      `${who} sent a message of ${tier === 'process' ? '' : 'at least '}${info.size} bytes, over the host's ${info.limit}-byte cap; the host ${how} and ended the environment (it is Failed until restarted); lower what the driver returns or raise confinement.maxMessageBytes`,
      {
        details: {
          driver: init.driver.id,
          version: init.driver.version,
          tier,
          reason: 'message-too-large',
          size: info.size,
          limit: info.limit,
        },
      },
    );
  }
  if (fatal) {
    reason = fatal.reason;
    cause = ChassisError.fromJSON(fatal.error);
    what = `${fatal.reason.replace('-', ' ')}: ${fatal.error.message}`;
  } else if (info.kind === 'oom') {
    reason = 'out-of-memory';
    what = `out of memory${heapLimitMb ? ` (heap limit ${heapLimitMb} MB)` : ''}`;
    cause = new Error(info.detail ?? what);
  } else if (info.kind === 'signal') {
    reason = 'signal';
    what = `killed by ${info.signal}`;
    cause = new Error(info.detail ?? what);
  } else if (info.kind === 'error') {
    reason = 'error';
    what = `environment error: ${info.detail}`;
    cause = new Error(info.detail);
  } else {
    reason = 'exit';
    what = `exited with code ${info.code} (the driver called process.exit or its event loop emptied)`;
    cause = new Error(what);
  }
  return new ChassisError(
    'CHASSIS_E_LOADER_DRIVER_CRASHED',
    `${who} crashed: ${what}; it is Failed until restarted`,
    {
      details: {
        driver: init.driver.id,
        version: init.driver.version,
        tier,
        reason,
        ...(info.code === undefined ? {} : { exitCode: info.code }),
        ...(info.signal ? { signal: info.signal } : {}),
      },
      cause,
    },
  );
}
