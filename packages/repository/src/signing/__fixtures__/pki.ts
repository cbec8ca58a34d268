// Test PKI: builds good and deliberately broken certificates in memory (Ed25519 is fast).
import { buildCertificate } from '../../ca/certificate.js';
import { idPrefixExtension } from '../../ca/profile.js';
import {
  addDays,
  CODE_SIGNING_OID,
  generateEd25519,
  type Key,
  privateKeyToPem,
  x509,
} from '../../ca/x509.js';

export interface TestCert {
  readonly cert: x509.X509Certificate;
  readonly certPem: string;
  readonly key: Key;
  readonly keyPem: string;
}

export interface TestCertOptions {
  readonly name: string;
  /** Issuer; self-signed when omitted. */
  readonly issuer?: TestCert;
  readonly ca?: boolean;
  readonly keyUsage?: x509.KeyUsageFlags;
  readonly eku?: readonly string[];
  readonly prefixes?: readonly string[];
  readonly notBefore?: Date;
  readonly days?: number;
}

const SERVER_AUTH_OID = '1.3.6.1.5.5.7.3.1';
export { CODE_SIGNING_OID, SERVER_AUTH_OID };

export async function makeCert(options: TestCertOptions): Promise<TestCert> {
  const keys = await generateEd25519();
  const notBefore = options.notBefore ?? addDays(new Date(), -1);
  const ca = options.ca ?? false;
  const cert = await buildCertificate({
    subject: ca ? [{ CN: [options.name] }] : [{ CN: [options.name] }, { O: [options.name] }],
    publicKey: keys.publicKey,
    ...(options.issuer
      ? { issuer: { cert: options.issuer.cert, key: options.issuer.key } }
      : { selfKey: keys.privateKey }),
    notBefore,
    notAfter: addDays(notBefore, options.days ?? 30),
    ca,
    keyUsage:
      options.keyUsage ??
      (ca
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
        : x509.KeyUsageFlags.digitalSignature),
    extendedKeyUsage: options.eku ?? (ca ? [] : [CODE_SIGNING_OID]),
    extensions: options.prefixes ? [idPrefixExtension(options.prefixes)] : [],
  });
  return {
    cert,
    certPem: `${cert.toString('pem')}\n`,
    key: keys.privateKey,
    keyPem: await privateKeyToPem(keys.privateKey),
  };
}

/** The project CA plus a well-formed vendor certificate for `com.example.`. */
export async function makePki(): Promise<{ ca: TestCert; vendor: TestCert }> {
  const ca = await makeCert({
    name: 'Test Project CA',
    ca: true,
    notBefore: addDays(new Date(), -100),
    days: 3650,
  });
  const vendor = await makeCert({
    name: 'Example Storage Inc.',
    issuer: ca,
    prefixes: ['com.example.'],
  });
  return { ca, vendor };
}
