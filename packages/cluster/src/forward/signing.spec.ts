import { describe, expect, it } from 'vitest';
import {
  type ArrivedSignature,
  isChannelMemberId,
  newNonce,
  sameSignature,
  signAnswer,
  signRequest,
  verifyRequest,
} from './signing.js';

const SECRET = 's'.repeat(40);
const NOW = 1_800_000_000_000;
const WINDOW = 30_000;
const body = '{"resource":"pool-a"}';

/** The signed fields of a call frame, signed over `body`; `over` replaces fields after signing. */
function fieldsFor(
  over: Partial<ArrivedSignature> = {},
  sign: { secret?: string; nonce?: string; timestamp?: string; member?: string } = {},
): ArrivedSignature {
  const nonce = sign.nonce ?? 'n'.repeat(22);
  const timestamp = sign.timestamp ?? String(NOW);
  const member = sign.member ?? 'b';
  const signature = signRequest(sign.secret ?? SECRET, {
    operation: 'invoke',
    timestamp: Number(timestamp),
    nonce,
    member,
    body,
  });
  return { operation: 'invoke', signature, timestamp, nonce, member, ...over };
}

function verify(fields: ArrivedSignature, o: { body?: string; seen?: boolean } = {}) {
  return verifyRequest({
    secret: SECRET,
    fields,
    body: Buffer.from(o.body ?? body),
    now: NOW,
    windowMs: WINDOW,
    seen: () => o.seen ?? false,
  });
}

describe('request signatures', () => {
  it('accepts a correctly signed request (the positive control of every refusal below)', () => {
    expect(verify(fieldsFor())).toEqual({
      ok: true,
      nonce: 'n'.repeat(22),
      timestamp: NOW,
      member: 'b',
    });
  });

  const empty = { signature: '', timestamp: '', nonce: '', member: '' };
  it.each([
    ['no signed fields', fieldsFor(empty), {}, 'missing'],
    ['no signature', fieldsFor({ signature: '' }), {}, 'missing'],
    ['a non-numeric timestamp', fieldsFor({ timestamp: '12ab' }), {}, 'malformed'],
    ['a short nonce', fieldsFor({}, { nonce: 'abc' }), {}, 'malformed'],
    [
      'a timestamp older than the window',
      fieldsFor({}, { timestamp: String(NOW - WINDOW - 1) }),
      {},
      'expired',
    ],
    [
      'a timestamp ahead of the window',
      fieldsFor({}, { timestamp: String(NOW + WINDOW + 1) }),
      {},
      'future',
    ],
    ['another secret', fieldsFor({}, { secret: 'x'.repeat(40) }), {}, 'bad-signature'],
    ['a changed body', fieldsFor(), { body: '{"resource":"pool-b"}' }, 'bad-signature'],
    ['a newline in the member', fieldsFor({}, { member: 'b\nx' }), {}, 'malformed'],
    ['a tab in the nonce', fieldsFor({}, { nonce: `${'n'.repeat(20)}\tx` }), {}, 'malformed'],
    ['a changed operation', fieldsFor({ operation: 'health' }), {}, 'bad-signature'],
    ['a forged member', fieldsFor({ member: 'c' }), {}, 'bad-signature'],
    ['a truncated signature', fieldsFor({ signature: 'v3=abc' }), {}, 'bad-signature'],
    ['a seen nonce', fieldsFor(), { seen: true }, 'replayed'],
  ] as const)('refuses %s', (_name, fields, o, reason) => {
    expect(verify(fields, o as { body?: string; seen?: boolean })).toEqual({ ok: false, reason });
  });

  it('accepts timestamps at both edges of the window', () => {
    expect(verify(fieldsFor({}, { timestamp: String(NOW - WINDOW) })).ok).toBe(true);
    expect(verify(fieldsFor({}, { timestamp: String(NOW + WINDOW) })).ok).toBe(true);
  });

  it('binds an answer signature to status, request nonce and body', () => {
    const sig = signAnswer(SECRET, 200, 'nonce-1', Buffer.from('{}'));
    expect(sameSignature(sig, signAnswer(SECRET, 200, 'nonce-1', Buffer.from('{}')))).toBe(true);
    expect(sameSignature(sig, signAnswer(SECRET, 500, 'nonce-1', Buffer.from('{}')))).toBe(false);
    expect(sameSignature(sig, signAnswer(SECRET, 200, 'nonce-2', Buffer.from('{}')))).toBe(false);
    expect(sameSignature(sig, signAnswer(SECRET, 200, 'nonce-1', Buffer.from('[]')))).toBe(false);
    expect(sameSignature(sig, sig.slice(0, -1))).toBe(false);
  });

  it.each([
    ['equal well-formed values', `v3=${'a'.repeat(64)}`, `v3=${'a'.repeat(64)}`, true],
    ['one hex digit apart', `v3=${'a'.repeat(64)}`, `v3=${'a'.repeat(63)}b`, false],
    ['same length, a non-ASCII character', `v3=${'a'.repeat(64)}`, `v3=${'a'.repeat(63)}é`, false],
    ['equal values too long for the reused buffers', 'x'.repeat(500), 'x'.repeat(500), true],
    ['long values one character apart', 'x'.repeat(500), `${'x'.repeat(499)}y`, false],
    ['an empty value', `v3=${'a'.repeat(64)}`, '', false],
  ])('compares signature values: %s', (_name, a, b, same) => {
    expect(sameSignature(a, b)).toBe(same);
    expect(sameSignature(b, a)).toBe(same);
  });

  it('makes distinct nonces long enough to pass the field check', () => {
    const a = newNonce();
    expect(a).not.toBe(newNonce());
    expect(a.length).toBeGreaterThanOrEqual(16);
  });

  it.each([
    ['mgmt-1', true],
    ['a'.repeat(200), true],
    ['', false],
    ['a'.repeat(201), false],
    ['two words', false],
    ['tab\there', false],
    ['né', false],
  ])('a member id %j can travel in a frame: %s', (id, ok) => {
    expect(isChannelMemberId(id)).toBe(ok);
  });
});
