/**
 * A cheap upper-bound estimate of a value's structured-clone size, stopping as soon as it
 * passes `limit` (so an oversized value costs at most `limit` bytes of walking). Strings count
 * 2 bytes per character, binary data its byte length, every other slot 16 bytes; a shared
 * reference counts once, as structured clone sends it once. Returns the estimate, or a number
 * greater than `limit`.
 *
 * Every worker- and process-tier call checks its arguments and its result, so a small value (the
 * usual one) is first walked without remembering what it has seen: that walk can only count a
 * shared reference more than once, so when it stays under `limit` the exact walk would too. A
 * value with more than {@link QUICK_NODES} slots (or a cycle) gets the exact walk.
 */
export function cloneSizeOver(value: unknown, limit: number): number {
  quickLeft = QUICK_NODES;
  const quick = quickSize(value, limit);
  return quick >= 0 ? quick : exactSize(value, limit);
}

/** Slots the quick walk visits before it gives up (cycles and big values go the exact way). */
const QUICK_NODES = 256;
/** Slots the running quick walk may still visit (synchronous, so one counter serves all). */
let quickLeft = 0;

/**
 * The estimate without `seen` (a shared reference counted each time), or -1 past the budget,
 * past `limit` or at a value it leaves to the exact walk. Plain objects and arrays (what calls
 * carry) are tested first; `for…in` needs no key array, and an inherited enumerable key only
 * makes the estimate larger.
 */
function quickSize(v: unknown, limit: number): number {
  if (--quickLeft < 0) return -1;
  if (typeof v !== 'object') return typeof v === 'string' ? 16 + v.length * 2 : 16;
  if (v === null) return 16;
  let size = 16;
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    for (const k in v) {
      const s = quickSize((v as Record<string, unknown>)[k], limit);
      if (s < 0) return -1;
      size += k.length * 2 + s;
    }
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const s = quickSize(v[i], limit);
      if (s < 0) return -1;
      size += s;
    }
  } else if (ArrayBuffer.isView(v)) size += v.byteLength;
  else return -1;
  return size > limit ? -1 : size;
}

function exactSize(value: unknown, limit: number): number {
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
 * over it), a log record over it
 * by a short notice. Other messages pass unchanged.
 */
export function capGuestMessage<M extends { readonly t: string }>(m: M, limit: number): M {
  if (m.t === 'result') {
    const r = m as unknown as { id: number; value: unknown };
    const size = cloneSizeOver(r.value, limit);
    if (size > limit)
      return { t: 'error', id: r.id, error: tooLargeError('the result', size, limit) } as never;
  } else if (m.t === 'error') {
    // A thrown error's message or stack can be as large as a result (host frame cap backs this).
    const e = m as unknown as { id: number; error: unknown };
    const size = cloneSizeOver(e.error, limit);
    if (size > limit)
      return { t: 'error', id: e.id, error: tooLargeError('the error', size, limit) } as never;
  } else if (m.t === 'log') {
    const l = m as unknown as { fields: unknown; msg?: string; level: string; bindings: unknown };
    const size = cloneSizeOver([l.fields, l.msg], limit);
    if (size > limit)
      return {
        ...l,
        fields: { code: 'CHASSIS_E_LOADER_MESSAGE_TOO_LARGE', size, limit },
        msg: 'log record dropped: over the size cap',
      } as never;
  }
  return m;
}
