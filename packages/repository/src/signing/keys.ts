import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { ChassisError } from '@chassis/kernel';
import type { x509 } from '../ca/x509.js';

/** Where a signed CAR keeps its manifest (the bytes a signature covers). */
export const MANIFEST_PATH = 'META-INF/MANIFEST.MF';

/** Length of an Ed25519 signature. */
export const SIGNATURE_LENGTH = 64;

/** Parses a PKCS#8 PEM private key (`CHASSIS_E_CERT_MALFORMED` when it cannot). */
export function parsePrivateKey(pem: string, what = 'the signing key'): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (cause) {
    throw new ChassisError('CHASSIS_E_CERT_MALFORMED', `${what} is not a PEM private key`, {
      details: { what },
      cause,
    });
  }
}

/**
 * The Ed25519 public key of a certificate. The profile signs with Ed25519 only, so any other key
 * type means the certificate is not usable for CAR signing (`CHASSIS_E_CERT_KEY_USAGE`).
 */
export function certificateKey(cert: x509.X509Certificate): KeyObject {
  const key = createPublicKey({
    key: Buffer.from(cert.publicKey.rawData),
    format: 'der',
    type: 'spki',
  });
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ChassisError(
      'CHASSIS_E_CERT_KEY_USAGE',
      `The certificate "${cert.subject}" has a ${key.asymmetricKeyType} key; CAR signing uses Ed25519`,
      { details: { subject: cert.subject, keyType: key.asymmetricKeyType } },
    );
  }
  return key;
}

/** True when `privateKey` is the private half of `publicKey`. */
export function keysMatch(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return derived.equals(publicKey.export({ type: 'spki', format: 'der' }));
}
