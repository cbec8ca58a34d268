import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacKey } from './hmac.js';

const reference = (secret: string, head: string, body: Uint8Array | string) =>
  createHmac('sha256', secret).update(head).update(body).digest('hex');

const SECRET = 'test-cluster-secret-0123456789-abcdefghij';
const HEAD = 'chassis-cluster-request\ninvoke\n1800000000000\nn\nb\n';

describe('HmacKey: the same digest as createHmac', () => {
  it.each([
    ['an empty body', SECRET, HEAD, ''],
    ['a small JSON body (bytes)', SECRET, HEAD, Buffer.from('{"resource":"pool-a","args":[1]}')],
    ['a small JSON body (string)', SECRET, HEAD, '{"resource":"pool-a","args":[1]}'],
    ['non-ASCII head and body', SECRET, 'chassis\nmembre-é-北\n', 'résumé ✓ 北京 🚀'],
    ['a secret longer than one block', 'k'.repeat(200), HEAD, 'x'],
    ['a secret of exactly one block', 'k'.repeat(64), HEAD, 'x'],
    ['a body that just fits the buffer', SECRET, HEAD, Buffer.alloc(32 * 1024 - 200, 7)],
    ['a body larger than the buffer (streamed)', SECRET, HEAD, Buffer.alloc(100_000, 9)],
    ['a string body larger than the buffer', SECRET, HEAD, 'é'.repeat(20_000)],
    ['a Uint8Array view into a larger buffer', SECRET, HEAD, new Uint8Array(64).subarray(8, 40)],
  ])('%s', (_name, secret, head, body) => {
    const key = new HmacKey(secret);
    expect(key.hex(head, body)).toBe(reference(secret, head, body));
    // Reusing the key's buffer leaves nothing behind for the next signature.
    expect(key.hex('other', 'tiny')).toBe(reference(secret, 'other', 'tiny'));
    expect(key.hex(head, body)).toBe(reference(secret, head, body));
  });

  it('gives different digests for different secrets (positive control of the table)', () => {
    expect(new HmacKey(SECRET).hex(HEAD, 'x')).not.toBe(new HmacKey(`${SECRET}!`).hex(HEAD, 'x'));
  });
});
