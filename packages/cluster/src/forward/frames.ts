/**
 * The frames of the inter-server channel: one binary WebSocket message each, a header line of
 * tab-separated ASCII fields, a newline, then the body bytes (JSON). Pure encoding and
 * decoding, table-tested apart from any socket.
 *
 * - `call\t<id>\t<operation>\t<timestamp>\t<nonce>\t<member>\t<signature>\n<body>`
 * - `answer\t<id>\t<status>\t<signature>\n<body>`
 * - `cancel\t<id>\n`
 *
 * Why a header line and not JSON around the body: the signature covers the body bytes exactly
 * as sent, so the body must stay a byte range of its own, and a line of fields is read without
 * a second JSON parse. `id` is the caller's number for the call on this connection; the answer
 * repeats it, so one connection carries many calls at once.
 */

/** A forwarded call as it arrives. Signature fields are checked by `verifyRequest`. */
export interface CallFrame {
  readonly kind: 'call';
  readonly id: number;
  readonly operation: string;
  /** As sent (digits when well formed). */
  readonly timestamp: string;
  readonly nonce: string;
  readonly member: string;
  readonly signature: string;
  readonly body: Buffer;
}

/** The owner's answer to call `id`. */
export interface AnswerFrame {
  readonly kind: 'answer';
  readonly id: number;
  /** The HTTP status of the answer's code (`errorCodeSpec`), 200 for a result. */
  readonly status: number;
  readonly signature: string;
  readonly body: Buffer;
}

/** The caller stopped waiting for call `id`. */
export interface CancelFrame {
  readonly kind: 'cancel';
  readonly id: number;
}

/** A frame that is none of the above; `id` when the header named one. */
export interface MalformedFrame {
  readonly kind: 'malformed';
  readonly id: number | undefined;
  readonly why: string;
}

/** Any decoded frame. */
export type Frame = CallFrame | AnswerFrame | CancelFrame | MalformedFrame;

const NEWLINE = 10;
/** The longest header a well-formed frame has (fields are bounded: see `verifyRequest`). */
export const MAX_HEADER_BYTES = 512;
const ID = /^\d{1,15}$/;
const STATUS = /^\d{3}$/;

function idOf(field: string | undefined): number | undefined {
  return field !== undefined && ID.test(field) ? Number(field) : undefined;
}

/** Reads one frame; never throws. */
export function decodeFrame(data: Buffer): Frame {
  const end = data.indexOf(NEWLINE, 0);
  if (end < 0 || end > MAX_HEADER_BYTES)
    return { kind: 'malformed', id: undefined, why: 'no header line' };
  const fields = data.toString('latin1', 0, end).split('\t');
  const id = idOf(fields[1]);
  const malformed = (why: string): MalformedFrame => ({ kind: 'malformed', id, why });
  if (id === undefined) return malformed('id');
  const body = data.subarray(end + 1);
  switch (fields[0]) {
    case 'call': {
      if (fields.length !== 7) return malformed('call header');
      const [, , operation, timestamp, nonce, member, signature] = fields as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return { kind: 'call', id, operation, timestamp, nonce, member, signature, body };
    }
    case 'answer': {
      if (fields.length !== 4 || !STATUS.test(fields[2] as string))
        return malformed('answer header');
      const status = Number(fields[2]);
      return { kind: 'answer', id, status, signature: fields[3] as string, body };
    }
    case 'cancel':
      return fields.length === 2 ? { kind: 'cancel', id } : malformed('cancel header');
    default:
      return malformed('kind');
  }
}

/**
 * A frame of header `head` (the fields before the signature, each followed by a tab) and
 * `body`, in one buffer: the body is written first, `sign` is given its bytes, and the
 * signature is written in between. One allocation, no copy of the body.
 */
function signedFrame(head: string, body: string, sign: (body: Buffer) => string): Buffer {
  const headBytes = Buffer.byteLength(head, 'latin1');
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  const at = headBytes + SIGNATURE_CHARS + 1;
  const frame = Buffer.allocUnsafe(at + bodyBytes);
  frame.write(body, at, 'utf8');
  const signature = sign(frame.subarray(at));
  if (signature.length !== SIGNATURE_CHARS)
    throw new RangeError(`a channel signature has ${SIGNATURE_CHARS} characters`);
  frame.write(head, 0, 'latin1');
  frame.write(signature, headBytes, 'latin1');
  frame[at - 1] = NEWLINE;
  return frame;
}

/** Length of a signature value (`v3=` and 64 hex digits; see `signing.ts`). */
export const SIGNATURE_CHARS = 67;

/** What a call frame's header carries besides its signature. */
export interface CallHeader {
  readonly id: number;
  readonly operation: string;
  readonly timestamp: number;
  readonly nonce: string;
  readonly member: string;
}

/** A call frame; `sign` gets the body bytes and returns the request signature. */
export function encodeCall(h: CallHeader, body: string, sign: (body: Buffer) => string): Buffer {
  const head = `call\t${h.id}\t${h.operation}\t${h.timestamp}\t${h.nonce}\t${h.member}\t`;
  return signedFrame(head, body, sign);
}

/** An answer frame; `sign` gets the body bytes and returns the answer signature. */
export function encodeAnswer(
  id: number,
  status: number,
  body: string,
  sign: (body: Buffer) => string,
): Buffer {
  return signedFrame(`answer\t${id}\t${status}\t`, body, sign);
}

/** A cancel frame. */
export function encodeCancel(id: number): Buffer {
  return Buffer.from(`cancel\t${id}\n`, 'latin1');
}

/**
 * Whether `body` is over `limit` bytes as a frame carries it (UTF-8). Measured only when its
 * length leaves it open: a UTF-16 unit is one to three bytes, so most bodies are decided by
 * their length alone and the frame's own measure is the only pass over them.
 */
export function overLimit(body: string, limit: number): boolean {
  if (body.length > limit) return true;
  return body.length * 3 > limit && Buffer.byteLength(body, 'utf8') > limit;
}

/**
 * The largest WebSocket message either end of a channel accepts when bodies are capped at
 * `maxBodyBytes`: a frame over the cap still arrives (and is refused with a typed answer) up
 * to this size; a larger one ends the connection (1009), which only a peer ignoring the cap
 * causes.
 */
export function messageLimit(maxBodyBytes: number): number {
  return maxBodyBytes + MAX_HEADER_BYTES + 64 * 1024;
}
