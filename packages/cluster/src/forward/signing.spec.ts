import { describe, expect, it } from 'vitest';
import {
  type IncomingHeaders,
  newNonce,
  SIGNATURE_HEADERS,
  sameSignature,
  signAnswer,
  signRequest,
  verifyRequest,
} from './signing.js';

const SECRET = 's'.repeat(40);
const NOW = 1_800_000_000_000;
const WINDOW = 30_000;
const body = '{"resource":"pool-a"}';

function headersFor(over: Partial<Record<string, string>> = {}, sign = {}): IncomingHeaders {
  const nonce = over.nonce ?? 'n'.repeat(22);
  const timestamp = Number(over.timestamp ?? NOW);
  const member = over.member ?? 'b';
  const signature = signRequest(SECRET, {
    method: 'POST',
    path: '/chassis/cluster/v1/invoke',
    timestamp,
    nonce,
    member,
    body,
    ...sign,
  });
  return {
    [SIGNATURE_HEADERS.signature]: over.signature ?? signature,
    [SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.member]: member,
  };
}

function verify(
  headers: IncomingHeaders,
  o: { body?: string; seen?: boolean; path?: string } = {},
) {
  return verifyRequest({
    secret: SECRET,
    method: 'POST',
    path: o.path ?? '/chassis/cluster/v1/invoke',
    headers,
    body: Buffer.from(o.body ?? body),
    now: NOW,
    windowMs: WINDOW,
    seen: () => o.seen ?? false,
  });
}

describe('request signatures', () => {
  it('accepts a correctly signed request (the positive control of every refusal below)', () => {
    expect(verify(headersFor())).toEqual({
      ok: true,
      nonce: 'n'.repeat(22),
      timestamp: NOW,
      member: 'b',
    });
  });

  const { [SIGNATURE_HEADERS.signature]: _s, ...unsigned } = headersFor();
  it.each([
    ['no signature headers', {}, {}, 'missing'],
    ['no signature header', unsigned, {}, 'missing'],
    [
      'a non-numeric timestamp',
      { ...headersFor(), [SIGNATURE_HEADERS.timestamp]: '12ab' },
      {},
      'malformed',
    ],
    ['a short nonce', headersFor({ nonce: 'abc' }), {}, 'malformed'],
    [
      'a timestamp older than the window',
      headersFor({ timestamp: String(NOW - WINDOW - 1) }),
      {},
      'expired',
    ],
    [
      'a timestamp ahead of the window',
      headersFor({ timestamp: String(NOW + WINDOW + 1) }),
      {},
      'future',
    ],
    ['another secret', headersFor({}, {}), { secret: true }, 'bad-signature'],
    ['a changed body', headersFor(), { body: '{"resource":"pool-b"}' }, 'bad-signature'],
    ['a newline in the member', headersFor({ member: 'b\nx' }), {}, 'malformed'],
    ['a changed path', headersFor(), { path: '/chassis/cluster/v1/health' }, 'bad-signature'],
    ['a forged member', { ...headersFor(), [SIGNATURE_HEADERS.member]: 'c' }, {}, 'bad-signature'],
    ['a truncated signature', headersFor({ signature: 'v2=abc' }), {}, 'bad-signature'],
    ['a seen nonce', headersFor(), { seen: true }, 'replayed'],
  ] as const)('refuses %s', (_name, headers, o, reason) => {
    const h =
      'secret' in o
        ? {
            ...headers,
            [SIGNATURE_HEADERS.signature]: signRequest('x'.repeat(40), {
              method: 'POST',
              path: '/chassis/cluster/v1/invoke',
              timestamp: NOW,
              nonce: 'n'.repeat(22),
              member: 'b',
              body,
            }),
          }
        : headers;
    expect(verify(h, o as { body?: string; seen?: boolean; path?: string })).toEqual({
      ok: false,
      reason,
    });
  });

  it('accepts timestamps at both edges of the window', () => {
    expect(verify(headersFor({ timestamp: String(NOW - WINDOW) })).ok).toBe(true);
    expect(verify(headersFor({ timestamp: String(NOW + WINDOW) })).ok).toBe(true);
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
    ['equal well-formed values', `v2=${'a'.repeat(64)}`, `v2=${'a'.repeat(64)}`, true],
    ['one hex digit apart', `v2=${'a'.repeat(64)}`, `v2=${'a'.repeat(63)}b`, false],
    ['same length, a non-ASCII character', `v2=${'a'.repeat(64)}`, `v2=${'a'.repeat(63)}é`, false],
    ['equal values too long for the reused buffers', 'x'.repeat(500), 'x'.repeat(500), true],
    ['long values one character apart', 'x'.repeat(500), `${'x'.repeat(499)}y`, false],
    ['an empty value', `v2=${'a'.repeat(64)}`, '', false],
  ])('compares signature values: %s', (_name, a, b, same) => {
    expect(sameSignature(a, b)).toBe(same);
    expect(sameSignature(b, a)).toBe(same);
  });

  it('makes distinct nonces long enough to pass the header check', () => {
    const a = newNonce();
    expect(a).not.toBe(newNonce());
    expect(a.length).toBeGreaterThanOrEqual(16);
  });
});
