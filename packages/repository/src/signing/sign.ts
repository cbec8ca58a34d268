import { sign } from 'node:crypto';
import {
  CERTIFICATE_PATH,
  parseManifest,
  readCarEntries,
  SIGNATURE_PATH,
  writeCar,
} from '@chassis/car';
import { ChassisError } from '@chassis/kernel';
import { parseCertificateChainPem } from '../ca/pem.js';
import { idPrefixesOf, idWithinPrefix } from '../ca/profile.js';
import { CODE_SIGNING_OID, normalizeSerial, x509 } from '../ca/x509.js';
import { certificateKey, keysMatch, MANIFEST_PATH, parsePrivateKey } from './keys.js';

/** Options of {@link signCar}. */
export interface SignCarOptions {
  /** The vendor's Ed25519 private key (PKCS#8 PEM). */
  readonly keyPem: string;
  /** The vendor certificate (PEM), optionally followed by the rest of its chain. */
  readonly certPem: string;
  /** Output file; defaults to signing in place (atomically). */
  readonly out?: string;
}

/** What {@link signCar} wrote. */
export interface SignCarResult {
  readonly file: string;
  /** Hex SHA-256 of the signed CAR. */
  readonly sha256: string;
  readonly driverId: string;
  /** Serial of the signing certificate (lower-case hex). */
  readonly serial: string;
  readonly subject: string;
}

/** The certificate blocks of `pem`, normalised: one block per cert, `\n` line ends. */
function normaliseChain(chain: readonly x509.X509Certificate[]): string {
  return `${chain.map((cert) => cert.toString('pem')).join('\n')}\n`;
}

/**
 * Adds `META-INF/SIGNATURE` (the raw 64-byte Ed25519 signature over the exact MANIFEST.MF bytes)
 * and `META-INF/CERT.pem` (the chain) to a copy of `entries`, replacing any earlier signature.
 * No policy checks: {@link signCar} does those. Ed25519 is deterministic, so the same entries
 * and key always give the same bytes.
 */
export function signEntries(
  entries: ReadonlyMap<string, Buffer>,
  keyPem: string,
  certPem: string,
): Map<string, Buffer> {
  const manifest = entries.get(MANIFEST_PATH);
  if (!manifest) {
    throw new ChassisError('CHASSIS_E_CAR_MANIFEST_MISSING', 'The CAR has no META-INF/MANIFEST.MF');
  }
  const chain = parseCertificateChainPem(certPem, 'the signing certificate');
  const signature = sign(null, manifest, parsePrivateKey(keyPem));
  const signed = new Map(entries);
  signed.set(SIGNATURE_PATH, signature);
  signed.set(CERTIFICATE_PATH, Buffer.from(normaliseChain(chain)));
  return signed;
}

/**
 * Signs a CAR with a vendor key and certificate: reads and fully verifies the CAR (a tampered
 * CAR is never signed), checks that the key belongs to the certificate
 * (`CHASSIS_E_SIG_KEY_MISMATCH`), that the certificate is for code signing
 * (`CHASSIS_E_CERT_KEY_USAGE`) and allows the driver id (`CHASSIS_E_CERT_ID_PREFIX`), then
 * writes the signed CAR reproducibly (temp file + rename) to `out` or in place. Trust in the
 * issuing CA is checked at install time by `verifyCarTrust`, not here.
 */
export async function signCar(carFile: string, options: SignCarOptions): Promise<SignCarResult> {
  const entries = await readCarEntries(carFile);
  const manifest = parseManifest(entries.get(MANIFEST_PATH) as Buffer);
  const chain = parseCertificateChainPem(options.certPem, 'the signing certificate');
  const leaf = chain[0];
  const privateKey = parsePrivateKey(options.keyPem);
  if (!keysMatch(privateKey, certificateKey(leaf))) {
    throw new ChassisError(
      'CHASSIS_E_SIG_KEY_MISMATCH',
      `The signing key does not belong to the certificate "${leaf.subject}"; pass the key issued with it`,
      { details: { subject: leaf.subject } },
    );
  }
  const eku = leaf.getExtension(x509.ExtendedKeyUsageExtension);
  if (!eku?.usages.map(String).includes(CODE_SIGNING_OID)) {
    throw new ChassisError(
      'CHASSIS_E_CERT_KEY_USAGE',
      `The certificate "${leaf.subject}" is not a code-signing certificate`,
      { details: { subject: leaf.subject } },
    );
  }
  const prefixes = idPrefixesOf(leaf);
  if (!prefixes.some((prefix) => idWithinPrefix(manifest.driverId, prefix))) {
    throw new ChassisError(
      'CHASSIS_E_CERT_ID_PREFIX',
      `The certificate "${leaf.subject}" may sign driver ids under ${prefixes.join(', ') || '(none)'}, not "${manifest.driverId}"`,
      { details: { subject: leaf.subject, driverId: manifest.driverId, idPrefixes: prefixes } },
    );
  }
  const file = options.out ?? carFile;
  const { sha256 } = await writeCar(signEntries(entries, options.keyPem, options.certPem), file);
  return {
    file,
    sha256,
    driverId: manifest.driverId,
    serial: normalizeSerial(leaf.serialNumber),
    subject: leaf.subject,
  };
}
