import type { SerializedError } from '@chassis/kernel';
import type { DriverOp, GuestInit, LogLevel } from '../guest/ops.js';

/**
 * The host ↔ guest protocol, shared by the worker and process tiers. Every message is plain
 * data (structured clone). Calls carry an id; `abort` cancels one by id; `ping` probes liveness.
 */
export type HostMessage =
  | { readonly t: 'init'; readonly init: GuestInit }
  | { readonly t: 'call'; readonly id: number; readonly op: DriverOp }
  | { readonly t: 'abort'; readonly id: number; readonly reason: string }
  | { readonly t: 'ping'; readonly id: number };

/** Messages from the guest (the driver's side) to the host. */
export type GuestMessage =
  | { readonly t: 'ready' }
  | { readonly t: 'load-error'; readonly error: SerializedError }
  | { readonly t: 'result'; readonly id: number; readonly value: unknown }
  | { readonly t: 'error'; readonly id: number; readonly error: SerializedError }
  | { readonly t: 'pong'; readonly id: number }
  | {
      readonly t: 'log';
      readonly level: LogLevel;
      readonly bindings: Record<string, unknown>;
      readonly fields: Record<string, unknown>;
      readonly msg?: string;
    }
  /** Sent just before the guest ends itself after an uncaught exception or unhandled rejection. */
  | {
      readonly t: 'fatal';
      readonly reason: 'uncaught-exception' | 'unhandled-rejection';
      readonly error: SerializedError;
    };
