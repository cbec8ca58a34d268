// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata
// polyfill before the library is evaluated.
import 'reflect-metadata';
import { createHash, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// The library is typed against the DOM `Crypto`; node's webcrypto is that object at run time.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

export { x509 };

/** A WebCrypto key (node:crypto's type: the project compiles without the DOM lib). */
export type Key = webcrypto.CryptoKey;
/** A WebCrypto key pair. */
export type KeyPair = webcrypto.CryptoKeyPair;

/** The only key algorithm of the certificate profile. */
export const ED25519 = { name: 'Ed25519' } as const;

/** Extended key usage OID for code signing (RFC 5280 id-kp-codeSigning). */
export const CODE_SIGNING_OID = '1.3.6.1.5.5.7.3.3';

const DAY_MS = 86_400_000;

/** `from` plus `days` whole days. */
export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}

/** Generates an extractable Ed25519 key pair. */
export async function generateEd25519(): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as KeyPair;
}

/** PKCS#8 PEM of a private CryptoKey. */
export async function privateKeyToPem(key: Key): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return `${x509.PemConverter.encode(der, 'PRIVATE KEY')}\n`;
}

/** Imports a PKCS#8 PEM Ed25519 private key as a signing CryptoKey. */
export async function importPrivateKeyPem(pem: string): Promise<Key> {
  // Round-trip through node:crypto so that any PEM flavour it accepts (PKCS#8, encrypted-less
  // OpenSSL output) ends up as canonical PKCS#8 DER.
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return (await webcrypto.subtle.importKey('pkcs8', der, ED25519, false, ['sign'])) as Key;
}

/**
 * A random positive 128-bit serial number in lower-case hex. The first byte is kept in
 * 0x10..0x7f so the DER INTEGER needs no sign padding and has no leading zero, which keeps the
 * hex form identical everywhere (OpenSSL, node:crypto, @peculiar/x509).
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x10 + (bytes[0] % 0x70);
  return bytes.toString('hex');
}

/** Normalises a serial number written in hex (any case, optional `0x`/colons) for comparison. */
export function normalizeSerial(serial: string): string {
  const hex = serial.trim().toLowerCase().replace(/^0x/, '').replace(/[:\s]/g, '');
  if (!/^[0-9a-f]+$/.test(hex)) return '';
  return hex.replace(/^0+(?=.)/, '');
}

/** SHA-256 of a certificate's DER, lower-case hex. */
export function fingerprint(der: ArrayBuffer | Uint8Array): string {
  return createHash('sha256')
    .update(der instanceof Uint8Array ? der : new Uint8Array(der))
    .digest('hex');
}
