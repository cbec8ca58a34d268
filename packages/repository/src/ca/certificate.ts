import { ED25519, type Key, randomSerial, x509 } from './x509.js';

/** Everything needed to mint one certificate; the profile functions fill it in. */
export interface CertificateSpec {
  /** Subject DN as JSON (values are never parsed as DN strings, so commas are safe). */
  readonly subject: x509.JsonName;
  /** Public key the certificate binds. */
  readonly publicKey: Key;
  /** Issuer certificate and private key; omit both for a self-signed certificate. */
  readonly issuer?: { readonly cert: x509.X509Certificate; readonly key: Key };
  /** Private key of a self-signed certificate (must match `publicKey`). */
  readonly selfKey?: Key;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** BasicConstraints cA flag (always critical). */
  readonly ca: boolean;
  /** KeyUsage flags (critical). */
  readonly keyUsage: x509.KeyUsageFlags;
  /** ExtendedKeyUsage OIDs; omitted when empty. */
  readonly extendedKeyUsage?: readonly string[];
  /** Further extensions (e.g. the id-prefix SAN). */
  readonly extensions?: readonly x509.Extension[];
  /** Hex serial; random when omitted. */
  readonly serial?: string;
}

/**
 * Mints an Ed25519 X.509 v3 certificate. One builder for the CA, vendor certificates and the
 * deliberately broken certificates of the attack tests, so they differ only in what they state.
 */
export async function buildCertificate(spec: CertificateSpec): Promise<x509.X509Certificate> {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(spec.ca, undefined, true),
    new x509.KeyUsagesExtension(spec.keyUsage, true),
    await x509.SubjectKeyIdentifierExtension.create(spec.publicKey),
  ];
  if (spec.extendedKeyUsage && spec.extendedKeyUsage.length > 0) {
    extensions.push(new x509.ExtendedKeyUsageExtension([...spec.extendedKeyUsage], false));
  }
  if (spec.issuer) {
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(spec.issuer.cert.publicKey));
  }
  extensions.push(...(spec.extensions ?? []));
  const common = {
    serialNumber: spec.serial ?? randomSerial(),
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    signingAlgorithm: ED25519,
    extensions,
  };
  if (!spec.issuer) {
    if (!spec.selfKey) throw new TypeError('buildCertificate: a self-signed spec needs selfKey');
    return x509.X509CertificateGenerator.createSelfSigned({
      ...common,
      name: spec.subject,
      keys: { publicKey: spec.publicKey, privateKey: spec.selfKey },
    });
  }
  return x509.X509CertificateGenerator.create({
    ...common,
    subject: spec.subject,
    issuer: spec.issuer.cert.subjectName,
    publicKey: spec.publicKey,
    signingKey: spec.issuer.key,
  });
}
