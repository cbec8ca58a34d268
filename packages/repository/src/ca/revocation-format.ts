import { createPrivateKey, X509Certificate as NodeX509, sign, verify } from 'node:crypto';
import { ChassisError } from '@chassis/kernel';
import { canonicalJson } from './canonical-json.js';
import { parseCertificatePem } from './pem.js';
import { fingerprint, normalizeSerial } from './x509.js';

/** RFC 5280 CRLReason names accepted by `revoke` (certificateHold is not: revocation is final). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;

/** Why a certificate was revoked. */
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** One revoked vendor certificate. */
export interface RevokedCertificate {
  /** Serial number, lower-case hex without leading zeros. */
  readonly serial: string;
  readonly reason: RevocationReason;
  /** ISO-8601 time of revocation (informational: a revoked certificate is refused always). */
  readonly revokedAt: string;
  /** Subject of the certificate when it was revoked from its PEM (informational). */
  readonly subject?: string;
}

/** The signed part of a revocation list. */
export interface RevocationList {
  readonly type: 'chassis-revocations';
  /** Increases by one on every change; clients refuse a version lower than one they saw. */
  readonly version: number;
  /** SHA-256 (hex) of the DER of the CA certificate that signs this list. */
  readonly issuer: string;
  /** ISO-8601 time this version was made. */
  readonly issuedAt: string;
  readonly revoked: readonly RevokedCertificate[];
}

/**
 * The published form: `signature` is base64 Ed25519 by the CA key over the canonical JSON
 * (sorted keys, no whitespace) of `signed`.
 */
export interface SignedRevocationList {
  readonly signed: RevocationList;
  readonly signature: string;
}

/** An empty list (version 1) for a new CA. */
export function emptyRevocationList(issuer: string, at: Date): RevocationList {
  return {
    type: 'chassis-revocations',
    version: 1,
    issuer,
    issuedAt: at.toISOString(),
    revoked: [],
  };
}

/** Signs `list` with the CA private key (PKCS#8 PEM). */
export function signRevocationList(list: RevocationList, caKeyPem: string): SignedRevocationList {
  const signature = sign(null, Buffer.from(canonicalJson(list)), createPrivateKey(caKeyPem));
  return { signed: list, signature: signature.toString('base64') };
}

function invalid(message: string, details: Record<string, unknown> = {}): ChassisError {
  return new ChassisError('CHASSIS_E_CA_REVOCATIONS_INVALID', message, { details });
}

function checkShape(value: unknown): SignedRevocationList {
  const doc = value as SignedRevocationList;
  const list = doc?.signed as RevocationList | undefined;
  if (
    typeof doc !== 'object' ||
    doc === null ||
    typeof doc.signature !== 'string' ||
    typeof list !== 'object' ||
    list === null ||
    list.type !== 'chassis-revocations' ||
    !Number.isSafeInteger(list.version) ||
    list.version < 1 ||
    typeof list.issuer !== 'string' ||
    typeof list.issuedAt !== 'string' ||
    !Array.isArray(list.revoked)
  ) {
    throw invalid('The revocation list is not a signed chassis-revocations document');
  }
  for (const entry of list.revoked) {
    if (
      typeof entry?.serial !== 'string' ||
      normalizeSerial(entry.serial) !== entry.serial ||
      !REVOCATION_REASONS.includes(entry.reason) ||
      typeof entry.revokedAt !== 'string'
    ) {
      throw invalid(`The revocation list has a malformed entry: ${JSON.stringify(entry)}`);
    }
  }
  return doc;
}

/** Options of {@link verifyRevocationList}. */
export interface VerifyRevocationOptions {
  /** Highest version already trusted; a lower one is a rollback (`CHASSIS_E_REPO_ROLLBACK`). */
  readonly minVersion?: number;
}

/**
 * Verifies a published revocation list against the project CA certificate and returns its
 * signed content. Throws `CHASSIS_E_CA_REVOCATIONS_INVALID` when it is malformed, names another
 * CA or its signature does not verify, and `CHASSIS_E_REPO_ROLLBACK` when it is older than
 * `minVersion`.
 */
export function verifyRevocationList(
  caPem: string,
  json: string | SignedRevocationList,
  options: VerifyRevocationOptions = {},
): RevocationList {
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (cause) {
      throw new ChassisError(
        'CHASSIS_E_CA_REVOCATIONS_INVALID',
        'The revocation list is not JSON',
        {
          cause,
        },
      );
    }
  }
  const doc = checkShape(parsed);
  const ca = parseCertificatePem(caPem, 'the project CA certificate');
  const caPrint = fingerprint(ca.rawData);
  if (doc.signed.issuer !== caPrint) {
    throw invalid('The revocation list was issued by another CA than the configured one', {
      issuer: doc.signed.issuer,
      expected: caPrint,
    });
  }
  const ok = verify(
    null,
    Buffer.from(canonicalJson(doc.signed)),
    new NodeX509(Buffer.from(ca.rawData)).publicKey,
    Buffer.from(doc.signature, 'base64'),
  );
  if (!ok) throw invalid('The revocation list signature does not verify with the project CA key');
  if (options.minVersion !== undefined && doc.signed.version < options.minVersion) {
    throw new ChassisError(
      'CHASSIS_E_REPO_ROLLBACK',
      `Revocation list version ${doc.signed.version} is older than the trusted version ${options.minVersion}`,
      { details: { version: doc.signed.version, minVersion: options.minVersion } },
    );
  }
  return doc.signed;
}

/** The entry revoking `serial` (any hex spelling), if any. */
export function findRevocation(
  list: RevocationList,
  serial: string,
): RevokedCertificate | undefined {
  const wanted = normalizeSerial(serial);
  return list.revoked.find((entry) => entry.serial === wanted);
}
