import { X509Certificate as NodeX509 } from 'node:crypto';
import { ChassisError, type ErrorCode } from '@chassis/kernel';
import { parseCertificateChainPem, parseCertificatePem } from '../ca/pem.js';
import { idPrefixesOf, idWithinPrefix } from '../ca/profile.js';
import { findRevocation, type RevocationList } from '../ca/revocation-format.js';
import { CODE_SIGNING_OID, fingerprint, normalizeSerial, x509 } from '../ca/x509.js';

/** Who signed: the facts of a vendor certificate that passed every check. */
export interface SignerIdentity {
  /** Vendor name (subject O, else CN). */
  readonly vendor: string;
  /** Subject DN of the vendor certificate. */
  readonly subject: string;
  /** Issuer DN (the project CA). */
  readonly issuer: string;
  /** Serial number (lower-case hex): what revocation lists name. */
  readonly serial: string;
  /** ISO-8601 end of validity. */
  readonly notAfter: string;
  /** SHA-256 of the vendor certificate DER (hex). */
  readonly fingerprint256: string;
  /** Driver-id prefixes the certificate allows. */
  readonly idPrefixes: readonly string[];
}

/** Inputs of {@link verifySignerCertificate}. */
export interface SignerCheck {
  /** META-INF/CERT.pem: the vendor certificate first, then any certificates of its chain. */
  readonly chainPem: string;
  /** The configured project CA certificate (PEM). */
  readonly caPem: string;
  /** The driver id the signature covers. */
  readonly driverId: string;
  /** Signing/publish time the certificates must be valid at. */
  readonly at: Date;
  /** An already verified revocation list. */
  readonly revocations?: RevocationList;
}

function fail(code: ErrorCode, message: string, details: Record<string, unknown>): never {
  throw new ChassisError(code, message, { details });
}

/**
 * True when `parent`'s key signed `child` and the names link. Deliberately weaker than
 * `checkIssued`, which also rejects issuers without keyCertSign: we want to find such an issuer
 * in order to say precisely that it is not a CA.
 */
function signedBy(child: NodeX509, parent: NodeX509): boolean {
  return child.issuer === parent.subject && child.verify(parent.publicKey);
}

function isCa(cert: x509.X509Certificate): boolean {
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  return (
    basic?.ca === true && (usage === null || (usage.usages & x509.KeyUsageFlags.keyCertSign) !== 0)
  );
}

function validAt(cert: x509.X509Certificate, at: Date): boolean {
  return cert.notBefore <= at && at <= cert.notAfter;
}

/**
 * Checks the vendor certificate of a signed CAR against the project CA. The profile has two
 * levels, CA → vendor; intermediate CAs are not accepted. In order:
 * the vendor certificate is issued (and signed) by the project CA, else `CHASSIS_E_CERT_NOT_CA`
 * when its issuer in the bundle is not a CA or `CHASSIS_E_CERT_UNTRUSTED`; the CA is a CA;
 * the vendor certificate is CA:FALSE with EKU codeSigning and KeyUsage digitalSignature
 * (`CHASSIS_E_CERT_KEY_USAGE`); both are valid at `at` (`CHASSIS_E_CERT_EXPIRED`); the vendor
 * certificate is not revoked (`CHASSIS_E_CERT_REVOKED`); `driverId` is within one of its
 * prefixes (`CHASSIS_E_CERT_ID_PREFIX`). Pure: reads nothing, writes nothing.
 */
export function verifySignerCertificate(check: SignerCheck): SignerIdentity {
  const chain = parseCertificateChainPem(check.chainPem, 'META-INF/CERT.pem');
  const leaf = chain[0];
  const ca = parseCertificatePem(check.caPem, 'the project CA certificate');
  const nodeLeaf = new NodeX509(Buffer.from(leaf.rawData));
  const nodeCa = new NodeX509(Buffer.from(ca.rawData));
  const subject = leaf.subject;
  const base = { driverId: check.driverId, subject };

  if (!signedBy(nodeLeaf, nodeCa)) {
    const parent = chain
      .slice(1)
      .find((candidate) => signedBy(nodeLeaf, new NodeX509(Buffer.from(candidate.rawData))));
    if (parent && !isCa(parent)) {
      fail(
        'CHASSIS_E_CERT_NOT_CA',
        `The signing certificate "${subject}" was issued by "${parent.subject}", which is not a CA`,
        { ...base, issuer: parent.subject },
      );
    }
    fail(
      'CHASSIS_E_CERT_UNTRUSTED',
      `The signing certificate "${subject}" (issuer "${leaf.issuer}") was not issued by the configured project CA`,
      { ...base, issuer: leaf.issuer },
    );
  }
  if (!isCa(ca)) {
    fail(
      'CHASSIS_E_CERT_NOT_CA',
      `The configured project CA "${ca.subject}" is not a CA (needs CA:TRUE and key usage keyCertSign)`,
      { ...base, issuer: ca.subject },
    );
  }
  if (!nodeLeaf.checkIssued(nodeCa)) {
    fail(
      'CHASSIS_E_CERT_UNTRUSTED',
      `The signing certificate "${subject}" does not link to the project CA (key identifiers differ)`,
      { ...base, issuer: leaf.issuer },
    );
  }

  const eku = leaf.getExtension(x509.ExtendedKeyUsageExtension);
  const ku = leaf.getExtension(x509.KeyUsagesExtension);
  const codeSigning = eku?.usages.map(String).includes(CODE_SIGNING_OID) ?? false;
  const digitalSignature = ku === null || (ku.usages & x509.KeyUsageFlags.digitalSignature) !== 0;
  if (nodeLeaf.ca || !codeSigning || !digitalSignature) {
    fail(
      'CHASSIS_E_CERT_KEY_USAGE',
      `The certificate "${subject}" is not a code-signing certificate (needs CA:FALSE, extended key usage codeSigning, key usage digitalSignature)`,
      { ...base, ca: nodeLeaf.ca, codeSigning, digitalSignature },
    );
  }

  for (const [role, cert] of [
    ['vendor', leaf],
    ['ca', ca],
  ] as const) {
    if (!validAt(cert, check.at)) {
      fail(
        'CHASSIS_E_CERT_EXPIRED',
        `The ${role} certificate "${cert.subject}" is valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}, not at ${check.at.toISOString()}`,
        {
          ...base,
          role,
          notBefore: cert.notBefore.toISOString(),
          notAfter: cert.notAfter.toISOString(),
          at: check.at.toISOString(),
        },
      );
    }
  }

  const serial = normalizeSerial(leaf.serialNumber);
  const revoked = check.revocations && findRevocation(check.revocations, serial);
  if (revoked) {
    fail(
      'CHASSIS_E_CERT_REVOKED',
      `The certificate "${subject}" (serial ${serial}) was revoked on ${revoked.revokedAt} (${revoked.reason})`,
      { ...base, serial, reason: revoked.reason, revokedAt: revoked.revokedAt },
    );
  }

  const idPrefixes = idPrefixesOf(leaf);
  if (!idPrefixes.some((prefix) => idWithinPrefix(check.driverId, prefix))) {
    fail(
      'CHASSIS_E_CERT_ID_PREFIX',
      `"${subject}" may sign driver ids under ${idPrefixes.map((p) => `"${p}"`).join(', ') || '(none)'}, not "${check.driverId}"`,
      { ...base, idPrefixes },
    );
  }

  return {
    vendor: leaf.subjectName.getField('O')[0] ?? leaf.subjectName.getField('CN')[0] ?? subject,
    subject,
    issuer: leaf.issuer,
    serial,
    notAfter: leaf.notAfter.toISOString(),
    fingerprint256: fingerprint(leaf.rawData),
    idPrefixes,
  };
}
