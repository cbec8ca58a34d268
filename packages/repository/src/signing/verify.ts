import { verify } from 'node:crypto';
import { type CarArchive, verifyCar } from '@chassis/car';
import { ChassisError } from '@chassis/kernel';
import { parseCertificateChainPem } from '../ca/pem.js';
import {
  type RevocationList,
  type SignedRevocationList,
  verifyRevocationList,
} from '../ca/revocation-format.js';
import { type SignerIdentity, verifySignerCertificate } from './chain.js';
import { certificateKey, SIGNATURE_LENGTH } from './keys.js';

/** Options of {@link verifyCarTrust}. */
export interface CarTrustOptions {
  /** The project CA certificate (PEM) the operator configured as trust anchor. */
  readonly caPem: string;
  /** The published revocation list (verified here against `caPem`). */
  readonly revocations?: SignedRevocationList | string;
  /** Highest revocation-list version already trusted (rollback protection). */
  readonly revocationsMinVersion?: number;
  /** Driver ids the operator explicitly allows to be installed unsigned. */
  readonly allowUnsigned?: readonly string[];
  /** Signing/publish time the certificates must be valid at (default now). */
  readonly at?: Date;
}

/** The verdict of {@link verifyCarTrust}: who signed, or that an allowed CAR is unsigned. */
export interface CarTrust extends Partial<SignerIdentity> {
  readonly signed: boolean;
  readonly driverId: string;
  readonly version: string;
  /** Hex SHA-256 of the CAR file. */
  readonly sha256: string;
}

function invalid(message: string, driverId: string, extra: Record<string, unknown> = {}): never {
  throw new ChassisError('CHASSIS_E_SIG_INVALID', message, { details: { driverId, ...extra } });
}

/**
 * Decides whether a CAR may be installed. Pure: reads the CAR (when given a path) and nothing
 * else; persists nothing, so callers persist only after it returns. In order:
 * 1. the CAR itself: zip safety, MANIFEST.MF digests, no extra or missing entries
 *    (`@chassis/car`'s `verifyCar`; its `CHASSIS_E_CAR_*` codes);
 * 2. the revocation list, when given, is signed by the CA (`CHASSIS_E_CA_REVOCATIONS_INVALID`,
 *    `CHASSIS_E_REPO_ROLLBACK`);
 * 3. unsigned → `CHASSIS_E_SIG_UNSIGNED` unless the driver id is in `allowUnsigned`;
 * 4. the signature verifies over the exact MANIFEST.MF bytes with the vendor certificate's key
 *    (`CHASSIS_E_SIG_INVALID`);
 * 5. the vendor certificate: see `verifySignerCertificate` (`CHASSIS_E_CERT_*`).
 */
export async function verifyCarTrust(
  car: string | CarArchive,
  options: CarTrustOptions,
): Promise<CarTrust> {
  const archive = typeof car === 'string' ? await verifyCar(car) : car;
  const driverId = archive.descriptor.id;
  const base = { driverId, version: archive.descriptor.version, sha256: archive.sha256 };
  let revocations: RevocationList | undefined;
  if (options.revocations !== undefined) {
    revocations = verifyRevocationList(options.caPem, options.revocations, {
      ...(options.revocationsMinVersion === undefined
        ? {}
        : { minVersion: options.revocationsMinVersion }),
    });
  }

  const { signature, certificatePem } = archive;
  if (signature === undefined && certificatePem === undefined) {
    if (options.allowUnsigned?.includes(driverId)) return { signed: false, ...base };
    throw new ChassisError(
      'CHASSIS_E_SIG_UNSIGNED',
      `${archive.file} (${driverId}) is unsigned; sign it with "chassis car sign" or allow "${driverId}" unsigned explicitly`,
      { details: { driverId, file: archive.file } },
    );
  }
  if (signature === undefined || certificatePem === undefined) {
    invalid(
      `${archive.file} (${driverId}) has ${signature ? 'a signature without META-INF/CERT.pem' : 'META-INF/CERT.pem without a signature'}`,
      driverId,
    );
  }
  const [leaf] = parseCertificateChainPem(certificatePem, `META-INF/CERT.pem of ${driverId}`);
  const ok =
    signature.length === SIGNATURE_LENGTH &&
    verify(null, archive.manifestBytes, certificateKey(leaf), signature);
  if (!ok) {
    invalid(
      `The signature of ${archive.file} (${driverId}) does not verify over MANIFEST.MF with the key of "${leaf.subject}"`,
      driverId,
      { subject: leaf.subject },
    );
  }

  const signer = verifySignerCertificate({
    chainPem: certificatePem,
    caPem: options.caPem,
    driverId,
    at: options.at ?? new Date(),
    ...(revocations ? { revocations } : {}),
  });
  return { signed: true, ...base, ...signer };
}
