import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HmacKey } from './hmac.js';

/**
 * Request and answer signatures of the inter-server channel: HMAC-SHA256 with the shared
 * cluster secret over a canonical string. Pure functions (the clock and the nonce are
 * arguments), so the verification rules are table-tested apart from any server.
 */

/**
 * Version prefix of a signature value, so the scheme can change without ambiguity. `v3`: the
 * request text names the channel operation (`v2` named an HTTP method and path); `v2` made the
 * request HMAC cover the body bytes directly (`v1` covered a separate SHA-256 of the body).
 */
const SCHEME = 'v3=';

/** The secret must carry at least this many bytes (see `ClusterOptions.secret`). */
export const MIN_SECRET_BYTES = 32;

/** What a request signature covers. */
export interface SignedParts {
  /** The channel operation (`invoke`, `health`). */
  readonly operation: string;
  /** Epoch milliseconds when the sender signed. */
  readonly timestamp: number;
  /** Single-use random value: a replayed request repeats it. */
  readonly nonce: string;
  /** The sending member (covered, so a log line's `from` cannot be forged). */
  readonly member: string;
  /** The body bytes exactly as sent (a string is taken as UTF-8). */
  readonly body: Uint8Array | string;
}

// A nonce must never repeat, it need not be unpredictable (the HMAC covers it): 18 random bytes
// per process and a counter are unique across members and restarts, at a fraction of the cost
// of 16 fresh random bytes per call.
const NONCE_PREFIX = randomBytes(18).toString('base64url');
let nonceCounter = 0;

/** A fresh nonce: a random per-process prefix (24 characters) and a counter. */
export function newNonce(): string {
  nonceCounter += 1;
  return `${NONCE_PREFIX}${nonceCounter.toString(36)}`;
}

/**
 * The fixed fields before the body. None of them can hold a newline (a frame's header line
 * ends at the first one, and `verifyRequest` refuses control characters), so the text ends at
 * its sixth newline and everything after it is the body: no two requests share a signed text.
 */
function canonical(p: Omit<SignedParts, 'body'>): string {
  return `chassis-cluster-request\n${p.operation}\n${p.timestamp}\n${p.nonce}\n${p.member}\n`;
}

/**
 * The secret as an HMAC key: a string, or a key prepared once with {@link secretKey} (what the
 * channel does, so that no call prepares the key again).
 */
export type SigningKey = string | HmacKey;

/** The prepared HMAC key of a secret, made once per channel server and forwarder. */
export function secretKey(secret: string): HmacKey {
  return new HmacKey(secret);
}

function hmac(secret: SigningKey, text: string, body: Uint8Array | string): string {
  const key = typeof secret === 'string' ? new HmacKey(secret) : secret;
  return SCHEME + key.hex(text, body);
}

/** The signature value of a request: one HMAC pass over the fixed fields and the body. */
export function signRequest(secret: SigningKey, parts: SignedParts): string {
  return hmac(secret, canonical(parts), parts.body);
}

/**
 * The signature of an answer, bound to the request's nonce: a recorded answer cannot be
 * passed off as the answer to another request, and nobody without the secret can forge one.
 * The HMAC covers the body bytes directly (after a fixed-field header none of whose fields
 * holds a newline), one hash pass instead of a digest and an HMAC.
 */
export function signAnswer(
  secret: SigningKey,
  status: number,
  requestNonce: string,
  body: Uint8Array,
): string {
  return hmac(secret, `chassis-cluster-answer\n${status}\n${requestNonce}\n`, body);
}

/** Signature values up to a third of this long are compared without allocating (a well-formed one has 67 characters). */
const COMPARE_BYTES = 256;
const expectedBytes = Buffer.alloc(COMPARE_BYTES);
const givenBytes = Buffer.alloc(COMPARE_BYTES);

/** Constant-time comparison of two signature values (a length mismatch is simply unequal). */
export function sameSignature(expected: string, given: string): boolean {
  // Both are `v3=` + 64 hex digits when well formed: the length says nothing about the secret.
  if (expected.length !== given.length) return false;
  if (expected.length * 3 > COMPARE_BYTES) {
    const a = Buffer.from(expected);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }
  // Two reused buffers instead of two new ones per comparison (two per forwarded call).
  const n = expectedBytes.write(expected, 0, 'utf8');
  const m = givenBytes.write(given, 0, 'utf8');
  return n === m && timingSafeEqual(expectedBytes.subarray(0, n), givenBytes.subarray(0, n));
}

/** Why a request's signature is refused (`undefined` when accepted). */
export type SignatureRefusal =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'future'
  | 'bad-signature'
  | 'replayed';

/** The signed fields of a request as they arrived (a call frame's header). */
export interface ArrivedSignature {
  readonly operation: string;
  readonly signature: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly member: string;
}

/** Anything but printable ASCII without the space (a frame's header is ASCII, tab-separated). */
const UNPRINTABLE = /[^!-~]/;

/**
 * Whether `id` can name the sending member in a frame's header line: 1–200 printable ASCII
 * characters without the space (the server's `cluster.memberId` pattern allows less).
 */
export function isChannelMemberId(id: string): boolean {
  return id.length > 0 && id.length <= 200 && !UNPRINTABLE.test(id);
}

/** Why the signed fields are unusable, or their parsed timestamp. */
function readFields(f: ArrivedSignature): number | 'missing' | 'malformed' {
  if (f.signature === '' || f.timestamp === '' || f.nonce === '' || f.member === '')
    return 'missing';
  if (
    !/^\d{1,16}$/.test(f.timestamp) ||
    f.nonce.length < 16 ||
    f.nonce.length > 64 ||
    // A newline would move the boundary between the signed fields and the body (a frame's
    // header line cannot hold one; this holds for any caller of the verifier).
    UNPRINTABLE.test(f.nonce) ||
    !isChannelMemberId(f.member)
  )
    return 'malformed';
  return Number(f.timestamp);
}

/** Inputs of {@link verifyRequest}. */
export interface VerifyInput {
  readonly secret: SigningKey;
  readonly fields: ArrivedSignature;
  /** The body bytes as received. */
  readonly body: Uint8Array;
  /** The verifier's clock, epoch ms. */
  readonly now: number;
  /** How far a timestamp may lie from `now`, either way. */
  readonly windowMs: number;
  /** True when the nonce was seen (or is older than what the replay cache can vouch for). */
  readonly seen: (nonce: string, timestamp: number) => boolean;
}

/**
 * Checks one request: signed fields present, timestamp inside the window, signature valid (compared
 * in constant time), nonce not seen before. The signature is checked before the nonce, so an
 * unauthenticated sender cannot fill the replay cache. Returns the refusal reason, or the
 * accepted nonce, timestamp and member (the caller then records the nonce).
 */
export function verifyRequest(
  input: VerifyInput,
):
  | { readonly ok: true; nonce: string; timestamp: number; member: string }
  | { readonly ok: false; reason: SignatureRefusal } {
  const f = input.fields;
  const timestamp = readFields(f);
  if (typeof timestamp === 'string') return { ok: false, reason: timestamp };
  if (timestamp < input.now - input.windowMs) return { ok: false, reason: 'expired' };
  if (timestamp > input.now + input.windowMs) return { ok: false, reason: 'future' };
  const expected = signRequest(input.secret, {
    operation: f.operation,
    timestamp,
    nonce: f.nonce,
    member: f.member,
    body: input.body,
  });
  if (!sameSignature(expected, f.signature)) return { ok: false, reason: 'bad-signature' };
  if (input.seen(f.nonce, timestamp)) return { ok: false, reason: 'replayed' };
  return { ok: true, nonce: f.nonce, timestamp, member: f.member };
}
