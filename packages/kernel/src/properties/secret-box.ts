import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { PropertyDescriptor } from '../descriptor/driver-descriptor.js';
import type { PropertyBag } from '../driver/driver-definition.js';
import { ChassisError } from '../errors/chassis-error.js';
import { parseIsoDate } from './iso-date.js';

/** One encrypted property value as stored at rest (plain JSON data). */
export interface SealedSecret {
  readonly $sealed: 'aes-256-gcm';
  /** Fingerprint of the key that sealed it, to name the key at fault when opening fails. */
  readonly kid: string;
  /** 12-byte nonce, base64. */
  readonly iv: string;
  /** 16-byte GCM tag, base64. */
  readonly tag: string;
  /** Ciphertext of the JSON-encoded value, base64. */
  readonly data: string;
}

/** A stored property value: dates as ISO strings, secrets sealed. */
export type StoredPropertyValue = string | number | boolean | SealedSecret;

/** A property bag in its at-rest form (JSON-safe). */
export type SealedProperties = Readonly<Record<string, StoredPropertyValue>>;

const ALGORITHM = 'aes-256-gcm';
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** True for a value produced by {@link SecretBox.seal} for a secret. */
export function isSealedSecret(value: unknown): value is SealedSecret {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $sealed?: unknown }).$sealed === ALGORITHM &&
    typeof (value as { data?: unknown }).data === 'string'
  );
}

/**
 * Encrypts the `secret: true` values of a property bag for storage (AES-256-GCM, a fresh nonce
 * per value, the property key as associated data so ciphertexts cannot be swapped between keys).
 * Non-secret values stay readable so stored configurations remain diffable and searchable.
 */
export class SecretBox {
  readonly #key: Buffer;
  /** Short public fingerprint of the key (never the key itself). */
  readonly keyId: string;

  /** `key`: 32 raw bytes, or their base64 encoding. Throws `CHASSIS_E_CRYPTO_KEY` otherwise. */
  constructor(key: Uint8Array | string) {
    let bytes: Buffer | undefined;
    if (typeof key === 'string') {
      const trimmed = key.trim();
      if (BASE64.test(trimmed)) bytes = Buffer.from(trimmed, 'base64');
    } else if (key instanceof Uint8Array) {
      bytes = Buffer.from(key);
    }
    if (bytes?.length !== 32) {
      throw new ChassisError(
        'CHASSIS_E_CRYPTO_KEY',
        'The secret-encryption key must be 32 bytes (or their base64 encoding); generate one with SecretBox.generateKey().',
        { details: { length: bytes?.length ?? 0 } },
      );
    }
    this.#key = bytes;
    this.keyId = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  }

  /** A fresh random key, base64-encoded. */
  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  /**
   * The at-rest form of `bag`: secret values sealed, dates as ISO strings, absent values dropped.
   * Keys the descriptor does not know are sealed too: encrypting is safer than guessing.
   */
  seal(
    bag: PropertyBag | Readonly<Record<string, unknown>>,
    descriptor: readonly PropertyDescriptor[],
  ): SealedProperties {
    const known = new Map(descriptor.map((p) => [p.key, p]));
    const out: Record<string, StoredPropertyValue> = {};
    for (const key of Object.keys(bag)) {
      const raw = bag[key];
      if (raw === undefined || raw === null) continue;
      const value = raw instanceof Date ? raw.toISOString() : raw;
      const p = known.get(key);
      const stored =
        p === undefined || p.secret === true
          ? this.#encrypt(key, value)
          : (value as StoredPropertyValue);
      Object.defineProperty(out, key, { value: stored, enumerable: true });
    }
    return Object.freeze(out);
  }

  /**
   * Reverses {@link seal}: decrypts sealed values and turns `date` values back into `Date`.
   * Throws `CHASSIS_E_CRYPTO_DECRYPT` (naming the property, never its value) when a value was
   * sealed with another key or tampered with. The result is not re-validated; run
   * `validateProperties` when the descriptor may have changed since it was stored.
   */
  open(sealed: SealedProperties, descriptor: readonly PropertyDescriptor[]): PropertyBag {
    const known = new Map(descriptor.map((p) => [p.key, p]));
    const out: Record<string, string | number | boolean | Date> = {};
    for (const key of Object.keys(sealed)) {
      const stored = sealed[key];
      let value: unknown = isSealedSecret(stored) ? this.#decrypt(key, stored) : stored;
      if (known.get(key)?.type === 'date' && typeof value === 'string') {
        value = parseIsoDate(value) ?? value;
      }
      Object.defineProperty(out, key, { value, enumerable: true });
    }
    return Object.freeze(out);
  }

  #encrypt(key: string, value: unknown): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv);
    cipher.setAAD(Buffer.from(`chassis.props:${key}`, 'utf8'));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return {
      $sealed: ALGORITHM,
      kid: this.keyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  #decrypt(key: string, sealed: SealedSecret): unknown {
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(`chassis.props:${key}`, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const plain = Buffer.concat([
        decipher.update(Buffer.from(sealed.data, 'base64')),
        decipher.final(),
      ]);
      return JSON.parse(plain.toString('utf8'));
    } catch (cause) {
      const other = sealed.kid !== this.keyId;
      throw new ChassisError(
        'CHASSIS_E_CRYPTO_DECRYPT',
        other
          ? `Property "${key}" was sealed with key ${sealed.kid}, but the configured key is ${this.keyId}; configure the original key.`
          : `Property "${key}" could not be decrypted: the stored value was altered or truncated; set it again.`,
        { details: { key, kid: sealed.kid, expectedKid: this.keyId }, cause },
      );
    }
  }
}
