import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { Key, Signature } from '@tufjs/models';
import { canonicalJson } from './canonical.js';

/** The four top-level TUF roles. */
export type RoleName = 'root' | 'targets' | 'snapshot' | 'timestamp';

/** Every top-level role, in the order keys are created. */
export const ROLE_NAMES: readonly RoleName[] = ['root', 'targets', 'snapshot', 'timestamp'];

/** An Ed25519 signing key of one role: the private half plus its TUF public key. */
export interface RoleKey {
  readonly privateKey: KeyObject;
  readonly key: Key;
}

/** Length of the ASN.1 prefix in front of the raw 32-byte key in an Ed25519 SPKI DER. */
const ED25519_SPKI_PREFIX = 12;

/** The TUF `Key` (hex raw public key, key id = sha256 of its canonical JSON) of an Ed25519 key. */
export function tufKey(publicKey: KeyObject): Key {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const keyval = { public: der.subarray(ED25519_SPKI_PREFIX).toString('hex') };
  const keyID = createHash('sha256')
    .update(canonicalJson({ keytype: 'ed25519', scheme: 'ed25519', keyval }))
    .digest('hex');
  return new Key({ keyID, keyType: 'ed25519', scheme: 'ed25519', keyVal: keyval });
}

/** Creates a fresh Ed25519 role key. */
export function generateRoleKey(): RoleKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, key: tufKey(publicKey) };
}

/** Loads a role key from its PKCS#8 PEM. */
export function roleKeyFromPem(pem: string): RoleKey {
  const privateKey = createPrivateKey(pem);
  return { privateKey, key: tufKey(createPublicKey(privateKey)) };
}

/** The PKCS#8 PEM of a role key (what the keys folder stores). */
export function roleKeyToPem(key: RoleKey): string {
  return key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A `Metadata.sign` callback producing an Ed25519 TUF signature with `key`. */
export function signerFor(key: RoleKey): (data: Buffer) => Signature {
  return (data) =>
    new Signature({
      keyID: key.key.keyID,
      sig: sign(null, data, key.privateKey).toString('hex'),
    });
}
