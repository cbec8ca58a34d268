import { type GuestMessage, isTuple } from './protocol.js';

/** The cap when no `maxMessageBytes` is given (the kernel default). */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Room for the envelope around a capped value (`{ t, id, value }`, an error's stack). */
const ENVELOPE_BYTES = 64 * 1024;

/**
 * The host's cap on one message from a guest (a process-tier frame, a worker's posted message)
 * for a given `maxMessageBytes`: the value's cap plus room for its envelope. Only a guest that
 * bypassed its own cap (a driver writing to the channel itself) ever sends more.
 */
export function hostMessageLimit(maxMessageBytes: number | undefined): number {
  return (maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) + ENVELOPE_BYTES;
}

/**
 * A cheap upper-bound estimate of a value's structured-clone size, stopping as soon as it
 * passes `limit` (so an oversized value costs at most `limit` bytes of walking). Strings count
 * 2 bytes per character, binary data its byte length, every other slot 16 bytes; a shared
 * reference counts once, as structured clone sends it once. Returns the estimate, or a number
 * greater than `limit`.
 */
export function cloneSizeOver(value: unknown, limit: number): number {
  // Most values are small trees of plain data: measured without allocating, every call.
  const left = plainBudgetLeft(value, limit, 0);
  if (left >= 0) return limit - left;
  return walkedSize(value, limit);
}

/** How deep the allocation-free walk goes before it leaves the value to the exact walk. */
const PLAIN_DEPTH = 32;

/**
 * The estimate's budget left after a recursive walk of `v` that allocates nothing, or -1 when
 * it is spent or `v` is not plain data (strings, primitives, arrays, typed arrays, objects whose
 * prototype is `Object.prototype`, at most {@link PLAIN_DEPTH} deep). A shared reference is
 * counted each time it is met, so the estimate is never below {@link walkedSize}'s: a value under
 * the budget here is under it there. Cycles end at the depth bound; a DAG that shares a lot ends
 * when the budget (16 bytes per slot met) is spent.
 */
function plainBudgetLeft(v: unknown, budget: number, depth: number): number {
  const left = budget - 16;
  if (typeof v === 'string') return left - v.length * 2;
  if (typeof v !== 'object' || v === null) return left;
  return left < 0 ? -1 : plainSlotsLeft(v, left, depth);
}

/**
 * The members of object `v` ({@link plainBudgetLeft}'s walk): primitives and strings are counted
 * in the loop, a call is made only per nested object. It runs on both sides of every call, so it
 * is kept lean: no `hasOwn` per key (`for…in` also meets enumerable keys inherited from
 * `Object.prototype`, which only over-counts: still an upper bound).
 */
function plainSlotsLeft(v: object, budget: number, depth: number): number {
  if (depth >= PLAIN_DEPTH) return -1;
  let left = budget;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      left -= 16;
      if (typeof x === 'string') left -= x.length * 2;
      else if (typeof x === 'object' && x !== null) left = plainSlotsLeft(x, left, depth + 1);
      if (left < 0) return -1;
    }
    return left;
  }
  if (ArrayBuffer.isView(v)) return left - v.byteLength;
  if (Object.getPrototypeOf(v) !== Object.prototype) return -1;
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    left -= 16 + k.length * 2;
    if (typeof x === 'string') left -= x.length * 2;
    else if (typeof x === 'object' && x !== null) left = plainSlotsLeft(x, left, depth + 1);
    if (left < 0) return -1;
  }
  return left;
}

/** The exact walk: every structured-clone type, a shared reference counted once. */
function walkedSize(value: unknown, limit: number): number {
  let size = 0;
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    size += 16;
    if (typeof v === 'string') size += v.length * 2;
    else if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) continue;
      seen.add(v);
      if (ArrayBuffer.isView(v)) size += v.byteLength;
      else if (v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) size += v.byteLength;
      else if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
      else if (v instanceof Set) for (const x of v) stack.push(x);
      else if (Array.isArray(v)) for (const x of v) stack.push(x);
      else if (!(v instanceof Date) && !(v instanceof RegExp)) {
        for (const k of Object.keys(v)) {
          size += k.length * 2;
          stack.push((v as Record<string, unknown>)[k]);
        }
      }
    }
    if (size > limit) return size;
  }
  return size;
}

/** Plain error data (`SerializedError` shape) for a value over the cap; built in the guest too. */
export function tooLargeError(
  what: string,
  size: number,
  limit: number,
  driver?: string,
): { code: string; message: string; details: Record<string, unknown> } {
  return {
    code: 'CHASSIS_E_LOADER_MESSAGE_TOO_LARGE',
    message: `${driver ? `driver ${driver}: ` : ''}${what} is over the ${limit}-byte size cap (at least ${size} bytes); return a smaller value or raise confinement.maxMessageBytes`,
    details: { ...(driver ? { driver } : {}), what, size, limit },
  };
}

/**
 * Checks one outgoing guest message against the cap before it is posted: a result over it is
 * replaced by a `CHASSIS_E_LOADER_MESSAGE_TOO_LARGE` error for that call (so is a thrown error
 * over it), a log record over it (fields, message and bindings together) by a short notice. Other messages pass unchanged.
 */
export function capGuestMessage(m: GuestMessage, limit: number): GuestMessage {
  return capAndMeasure(m, limit).message;
}

/**
 * Room counted for one message's envelope (`{ t, id, value }`, a log record's keys) in a batch:
 * more than the size estimate of any envelope, so that a batch whose messages add up to the cap
 * is under the host's limit (which has {@link ENVELOPE_BYTES} of room for the batch's own).
 */
const MESSAGE_ENVELOPE_BYTES = 256;

/** Fixed-size messages (`ready`, `pong`, `memory`): an upper bound of their estimate. */
const SMALL_MESSAGE_BYTES = 1024;

/** What {@link capAndMeasure} returns. */
export interface Measured<M> {
  /** The message to send ({@link capGuestMessage}'s). */
  readonly message: M;
  /** An upper bound of its clone-size estimate, envelope included; `undefined`: not measured. */
  readonly size: number | undefined;
}

/**
 * {@link capGuestMessage}, plus the size it measured: the guest's outbox batches messages up to
 * the cap by these sizes without a second walk. Load errors and fatal reports are not measured.
 */
export function capAndMeasure(m: GuestMessage, limit: number): Measured<GuestMessage> {
  if (isTuple(m)) {
    const size = cloneSizeOver(m[1], limit);
    if (size > limit) return tooLarge(m[0], 'the result', size, limit);
    return { message: m, size: size + MESSAGE_ENVELOPE_BYTES };
  }
  if (m.t === 'error') {
    // A thrown error's message or stack can be as large as a result (host frame cap backs this).
    const size = cloneSizeOver(m.error, limit);
    if (size > limit) return tooLarge(m.id, 'the error', size, limit);
    return { message: m, size: size + MESSAGE_ENVELOPE_BYTES };
  }
  if (m.t === 'log') {
    // Bindings count too: a driver sets them (`logger.child(…)`), and the host caps the whole.
    const size = cloneSizeOver([m.fields, m.msg, m.bindings], limit);
    if (size <= limit) return { message: m, size: size + MESSAGE_ENVELOPE_BYTES };
    return {
      message: {
        ...m,
        bindings: {},
        fields: { code: 'CHASSIS_E_LOADER_MESSAGE_TOO_LARGE', size, limit },
        msg: 'log record dropped: over the size cap',
      },
      size: SMALL_MESSAGE_BYTES,
    };
  }
  if (m.t === 'ready' || m.t === 'pong' || m.t === 'memory') {
    return { message: m, size: SMALL_MESSAGE_BYTES };
  }
  return { message: m, size: undefined };
}

function tooLarge(id: number, what: string, size: number, limit: number): Measured<GuestMessage> {
  return {
    message: {
      t: 'error',
      id,
      error: { name: 'ChassisError', ...tooLargeError(what, size, limit) },
    },
    size: SMALL_MESSAGE_BYTES,
  };
}
