import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PropertyDescriptor } from '../descriptor/driver-descriptor.js';
import { isSealedSecret, type SealedProperties, SecretBox } from './secret-box.js';

const descriptor: readonly PropertyDescriptor[] = [
  { key: 'host', labelKey: 'h', type: 'string' },
  { key: 'since', labelKey: 's', type: 'date' },
  { key: 'pw', labelKey: 'p', type: 'string', secret: true },
  { key: 'pin', labelKey: 'n', type: 'number', secret: true },
];
const bag = Object.freeze({
  host: 'array.example',
  since: new Date('2024-05-01T00:00:00Z'),
  pw: 'pässwörd',
  pin: 1234,
});

describe('SecretBox', () => {
  it('seals only secrets, as JSON-safe data, and opens them back', () => {
    const box = new SecretBox(SecretBox.generateKey());
    const sealed = box.seal(bag, descriptor);
    expect(sealed.host).toBe('array.example');
    expect(sealed.since).toBe('2024-05-01T00:00:00.000Z');
    expect(isSealedSecret(sealed.pw)).toBe(true);
    expect(isSealedSecret(sealed.pin)).toBe(true);
    const json = JSON.stringify(sealed);
    expect(json).not.toContain('pässwörd');
    expect(json).not.toContain('1234');
    const opened = box.open(JSON.parse(json) as SealedProperties, descriptor);
    expect(opened).toEqual(bag);
    expect(opened.since).toBeInstanceOf(Date);
    expect(Object.isFrozen(opened)).toBe(true);
  });

  it('uses a fresh nonce per value', () => {
    const box = new SecretBox(randomBytes(32));
    const a = box.seal(bag, descriptor).pw;
    const b = box.seal(bag, descriptor).pw;
    expect(a).not.toEqual(b);
  });

  it('seals keys the descriptor does not know', () => {
    const box = new SecretBox(randomBytes(32));
    expect(isSealedSecret(box.seal({ stray: 'x' }, descriptor).stray)).toBe(true);
  });

  it.each([
    ['a short key', randomBytes(16)],
    ['a long key', randomBytes(33)],
    ['a non-base64 string', 'not a key!'],
    ['an empty string', ''],
    ['base64 of 31 bytes', randomBytes(31).toString('base64')],
  ])('refuses %s with CHASSIS_E_CRYPTO_KEY', (_name, key) => {
    expect(() => new SecretBox(key)).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CRYPTO_KEY' }),
    );
  });

  it.each([
    ['another key', (s: Record<string, unknown>) => s, true],
    [
      'a tampered ciphertext',
      (s: Record<string, unknown>) => {
        const pw = s.pw as { data: string };
        const bytes = Buffer.from(pw.data, 'base64');
        bytes[0] = (bytes[0] ?? 0) ^ 1;
        return { ...s, pw: { ...pw, data: bytes.toString('base64') } };
      },
      false,
    ],
    ['a value moved to another key', (s: Record<string, unknown>) => ({ ...s, pw: s.pin }), false],
  ])('refuses %s with CHASSIS_E_CRYPTO_DECRYPT', (_name, mutate, otherKey) => {
    const box = new SecretBox(randomBytes(32));
    const sealed = mutate({ ...box.seal(bag, descriptor) }) as SealedProperties;
    const reader = otherKey ? new SecretBox(randomBytes(32)) : box;
    try {
      reader.open(sealed, descriptor);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'CHASSIS_E_CRYPTO_DECRYPT', details: { key: 'pw' } });
      expect(JSON.stringify(err)).not.toContain('pässwörd');
    }
  });

  it('never exposes the key', () => {
    const key = SecretBox.generateKey();
    const box = new SecretBox(key);
    expect(JSON.stringify(box)).not.toContain(key);
    expect(box.keyId).toMatch(/^[0-9a-f]{12}$/);
  });
});
