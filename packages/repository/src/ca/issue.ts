import { ChassisError } from '@chassis/kernel';
import { buildCertificate } from './certificate.js';
import { type LoadedCa, loadCa } from './init.js';
import { idPrefixExtension, normalizeIdPrefix } from './profile.js';
import { checkDate, checkDays, checkName } from './validate.js';
import {
  addDays,
  CODE_SIGNING_OID,
  fingerprint,
  generateEd25519,
  privateKeyToPem,
  x509,
} from './x509.js';

/** Options of {@link issueVendorCertificate}. */
export interface IssueVendorOptions {
  /** Vendor name; becomes the subject CN and O (e.g. "Example Storage Inc."). */
  readonly vendor: string;
  /** Driver-id prefix(es) the vendor may sign, e.g. "com.example.". */
  readonly idPrefix: string | readonly string[];
  /** Validity in days (default 365); never extends past the CA's own notAfter. */
  readonly validDays?: number;
  /** Start of validity (default now). */
  readonly notBefore?: Date;
}

/** A freshly issued vendor certificate and its private key. */
export interface IssuedVendorCertificate {
  /** The vendor certificate (PEM). Ship it as META-INF/CERT.pem via `signCar`. */
  readonly certPem: string;
  /** The vendor's Ed25519 private key (PKCS#8 PEM). Hand it to the vendor, keep no copy. */
  readonly keyPem: string;
  /** Serial number (lower-case hex): what `revoke` takes. */
  readonly serial: string;
  readonly idPrefixes: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 of the certificate DER (hex). */
  readonly fingerprint: string;
}

/**
 * Issues a vendor code-signing certificate from the CA in `caDir`: a new Ed25519 key,
 * BasicConstraints CA:FALSE (critical), KeyUsage digitalSignature (critical), ExtendedKeyUsage
 * codeSigning, AuthorityKeyIdentifier of the CA, and one `chassis:id-prefix:<prefix>` SAN URI
 * per allowed driver-id prefix.
 */
export async function issueVendorCertificate(
  caDir: string,
  options: IssueVendorOptions,
): Promise<IssuedVendorCertificate> {
  return issueFromCa(await loadCa(caDir), options);
}

/** {@link issueVendorCertificate} with an already loaded CA. */
export async function issueFromCa(
  ca: LoadedCa,
  options: IssueVendorOptions,
): Promise<IssuedVendorCertificate> {
  const vendor = checkName(options.vendor, 'vendor');
  const raw = typeof options.idPrefix === 'string' ? [options.idPrefix] : [...options.idPrefix];
  if (raw.length === 0) {
    throw new ChassisError(
      'CHASSIS_E_CA_REQUEST_INVALID',
      `A vendor certificate for "${vendor}" needs at least one driver-id prefix`,
      { details: { vendor } },
    );
  }
  const idPrefixes = [...new Set(raw.map(normalizeIdPrefix))];
  const days = checkDays(options.validDays ?? 365, 'validDays');
  const notBefore = checkDate(options.notBefore ?? new Date(), 'notBefore');
  const wanted = addDays(notBefore, days);
  const notAfter = new Date(Math.min(wanted.getTime(), ca.cert.notAfter.getTime()));
  if (notAfter <= notBefore) {
    throw new ChassisError(
      'CHASSIS_E_CA_REQUEST_INVALID',
      `The CA expires on ${ca.cert.notAfter.toISOString()}, before the requested start of validity`,
      { details: { notBefore: notBefore.toISOString() } },
    );
  }
  const keys = await generateEd25519();
  const cert = await buildCertificate({
    subject: [{ CN: [vendor] }, { O: [vendor] }],
    publicKey: keys.publicKey,
    issuer: { cert: ca.cert, key: ca.key },
    notBefore,
    notAfter,
    ca: false,
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsage: [CODE_SIGNING_OID],
    extensions: [idPrefixExtension(idPrefixes)],
  });
  return {
    certPem: `${cert.toString('pem')}\n`,
    keyPem: await privateKeyToPem(keys.privateKey),
    serial: cert.serialNumber,
    idPrefixes,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    fingerprint: fingerprint(cert.rawData),
  };
}
