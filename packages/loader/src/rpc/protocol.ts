import type { InvocationContext, SerializedError } from '@chassis/kernel';

/** One request to a driver, as plain data: the same in every tier. */
export type DriverOp =
  | { readonly op: 'start' }
  | { readonly op: 'stop' }
  | { readonly op: 'health' }
  | { readonly op: 'migrate'; readonly fromVersion: string; readonly state: unknown }
  | {
      readonly op: 'invoke';
      readonly point: string;
      readonly method: string;
      readonly ctx: InvocationContext;
      readonly args: readonly unknown[];
    };

/** Log levels forwarded from a driver to the host logger. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the guest needs to load a driver: everything is plain data. */
export interface GuestInit {
  /** Absolute path of the extracted CAR directory. */
  readonly dir: string;
  /** Entry path inside the CAR (`classes/index.js`). */
  readonly entry: string;
  readonly driver: { readonly id: string; readonly version: string };
  readonly messages: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Appended to the entry URL so that an in-process reload gets a fresh module instance. */
  readonly instance?: number;
}

/**
 * What a guest reports about its own memory (`memory` request). In a worker thread the heap and
 * external numbers are the worker isolate's own and `rssBytes` is absent: a worker's `rss` is the
 * whole process's, host included. A child process reports its full `process.memoryUsage()`.
 */
export interface GuestMemory {
  /** V8 heap in use (bytes). */
  readonly heapUsedBytes: number;
  /** V8 heap reserved (bytes). */
  readonly heapTotalBytes: number;
  /** Memory held outside the V8 heap by JS objects: Buffers, ArrayBuffers, native handles. */
  readonly externalBytes: number;
  /** Resident set of the guest's process (process tier only). */
  readonly rssBytes?: number;
}

/** A lifecycle hook or migration: every {@link DriverOp} but `invoke`. */
export type HookOp = Exclude<DriverOp, { readonly op: 'invoke' }>;

/**
 * An `invoke` call on the wire: a tuple, not `{ t, id, op: { op, point, … } }`. Every driver
 * call crosses as one of these, and structured clone writes and rebuilds each key and each
 * nested object on both sides: the object form cost about 1 µs per call more than a raw
 * MessagePort echo's `{ id, ctx, args }` (the worker tier's budget over that echo is ≈ 2 µs).
 */
export type InvokeCall = readonly [
  id: number,
  point: string,
  method: string,
  ctx: InvocationContext,
  args: readonly unknown[],
];

/** A call's value on the wire (the answer to an {@link InvokeCall} or a hook), a tuple for the same reason. */
export type CallResult = readonly [id: number, value: unknown];

/**
 * The host ↔ guest protocol, shared by the worker and process tiers. Every message is plain
 * data (structured clone). Calls carry an id; `abort` cancels one by id; `ping` probes liveness;
 * `memory` asks the guest for its {@link GuestMemory}. The two tuples are the hot path; every
 * other message is an object tagged by `t`.
 */
export type HostMessage =
  | InvokeCall
  | { readonly t: 'init'; readonly init: GuestInit }
  | { readonly t: 'call'; readonly id: number; readonly op: HookOp }
  /** `reason`: the owner's abort reason as a typed error (e.g. `CHASSIS_E_RESOURCE_OP_TIMEOUT`). */
  | { readonly t: 'abort'; readonly id: number; readonly reason: SerializedError }
  | { readonly t: 'ping'; readonly id: number }
  | { readonly t: 'memory'; readonly id: number };

/** Messages from the guest (the driver's side) to the host. */
export type GuestMessage =
  | CallResult
  | { readonly t: 'ready' }
  | { readonly t: 'load-error'; readonly error: SerializedError }
  | { readonly t: 'error'; readonly id: number; readonly error: SerializedError }
  | { readonly t: 'pong'; readonly id: number }
  | { readonly t: 'memory'; readonly id: number; readonly memory: GuestMemory }
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

/**
 * Several messages posted as one frame, in send order (see `Outbox`): calls issued in one turn
 * cross as one clone, one wake-up and one event instead of one each.
 */
export interface Batch<M> {
  readonly t: 'batch';
  readonly m: readonly M[];
}

/** What the host posts: one message or a batch of them. */
export type HostFrame = HostMessage | Batch<HostMessage>;

/** What the guest posts: one message or a batch of them. */
export type GuestFrame = GuestMessage | Batch<GuestMessage>;

/** True for the tuples ({@link InvokeCall}, {@link CallResult}): every other message has a `t`. */
export function isTuple<M>(m: M): m is Extract<M, readonly unknown[]> {
  return Array.isArray(m);
}

/** Hands each message of `frame` to `receive`, in order (a batch's messages, or the frame itself). */
export function eachMessage<M>(frame: M | Batch<M>, receive: (m: M) => void): void {
  if (isTuple(frame) || (frame as Batch<M>).t !== 'batch') receive(frame as M);
  else for (const m of (frame as Batch<M>).m) receive(m);
}
