import type { InvocationContext, ResourceBinding, SerializedError } from '@chassis/kernel';

/**
 * The wire format of the inter-server channel: one WebSocket connection per pair of members,
 * carrying signed frames (see `frames.ts`) whose bodies are JSON. JSON rather than structured
 * clone: the peer is another process on another machine, and a JSON body is what an operator
 * can read in a capture. A driver result that only structured clone carries (a `Date`, a
 * `Map`, `undefined` inside an array) arrives as its JSON form.
 */

/** Path of the channel's WebSocket upgrade (`2`: the frame protocol; `v1` was HTTP POSTs). */
export const CHANNEL_PATH = '/chassis/cluster/v2';

/** The operations a call frame names. */
export type ChannelOperation = 'invoke' | 'health';

/**
 * Upgrade request header with the caller's cap of an answer body, in bytes: the owner refuses
 * a larger answer with a typed error itself, instead of the caller's socket ending on it.
 */
export const MAX_ANSWER_HEADER = 'x-chassis-cluster-max-answer';

/** Default cap of a request or answer body (bytes). */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** One facade call forwarded to the resource's owner. */
export interface ForwardedInvoke {
  readonly resource: string;
  /** The binding the caller saw; the owner runs whatever version it has bound (upgrades). */
  readonly binding: ResourceBinding;
  readonly point: string;
  readonly method: string;
  /**
   * The caller's context; `properties` is left out when the forwarder omits it (the owner
   * then uses its own configuration, and secret properties never cross the wire).
   */
  readonly ctx: Omit<InvocationContext, 'properties'> & {
    readonly properties?: InvocationContext['properties'];
  };
  readonly args: readonly unknown[];
  /** The caller's absolute deadline, epoch ms (`Date.now()` clock); absent means none. */
  readonly deadline?: number;
}

/** A forwarded health probe of the driver version bound to `resource` on the owner. */
export interface ForwardedHealth {
  readonly resource: string;
  readonly deadline?: number;
}

/** The owner's answer. */
export type ForwardAnswer =
  | { readonly ok: true; readonly result?: unknown }
  | { readonly ok: false; readonly error: SerializedError };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const optionalDeadline = (v: unknown) =>
  v === undefined || (typeof v === 'number' && Number.isFinite(v));

/** Which field of a forwarded invoke is malformed, or `undefined` when it is well formed. */
export function invokeProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return 'body';
  if (!nonEmpty(v.resource)) return 'resource';
  if (!isRecord(v.binding) || !nonEmpty(v.binding.driverId) || !nonEmpty(v.binding.version))
    return 'binding';
  if (!nonEmpty(v.point)) return 'point';
  if (!nonEmpty(v.method)) return 'method';
  if (!isRecord(v.ctx) || !isRecord(v.ctx.resource)) return 'ctx';
  if (v.ctx.properties !== undefined && !isRecord(v.ctx.properties)) return 'ctx.properties';
  if (!Array.isArray(v.args)) return 'args';
  if (!optionalDeadline(v.deadline)) return 'deadline';
  return undefined;
}

/** Which field of a forwarded health probe is malformed, or `undefined`. */
export function healthProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return 'body';
  if (!nonEmpty(v.resource)) return 'resource';
  if (!optionalDeadline(v.deadline)) return 'deadline';
  return undefined;
}

/** True for a well-formed answer. */
export function isAnswer(v: unknown): v is ForwardAnswer {
  if (!isRecord(v)) return false;
  if (v.ok === true) return true;
  return (
    v.ok === false &&
    isRecord(v.error) &&
    typeof v.error.code === 'string' &&
    typeof v.error.message === 'string'
  );
}
