import { X509Certificate as NodeX509 } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ChassisError } from '@chassis/kernel';
import { caPath, writeFileAtomic } from './files.js';
import { loadCa, loadCaCertificatePem } from './init.js';
import { parseCertificatePem, splitPemCertificates } from './pem.js';
import {
  findRevocation,
  REVOCATION_REASONS,
  type RevocationReason,
  type RevokedCertificate,
  type SignedRevocationList,
  signRevocationList,
  verifyRevocationList,
} from './revocation-format.js';
import { normalizeSerial } from './x509.js';

/**
 * Reads and verifies the signed revocation list of a CA folder (as published in repository
 * metadata). Throws `CHASSIS_E_CA_NOT_FOUND` or `CHASSIS_E_CA_REVOCATIONS_INVALID`.
 */
export async function loadRevocations(caDir: string): Promise<SignedRevocationList> {
  const caPem = await loadCaCertificatePem(caDir);
  const file = caPath(caDir, 'revocations');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ChassisError('CHASSIS_E_CA_NOT_FOUND', `No revocation list in ${caDir}: ${file}`, {
        details: { dir: caDir, file },
      });
    }
    throw err;
  }
  verifyRevocationList(caPem, text);
  return JSON.parse(text) as SignedRevocationList;
}

/** Options of {@link revoke}. */
export interface RevokeOptions {
  /** Time recorded in the entry and as `issuedAt` (default now). */
  readonly at?: Date;
}

/** What {@link revoke} did. */
export interface RevokeResult {
  /** The serial revoked (lower-case hex). */
  readonly serial: string;
  /** False when the serial was already revoked (the list is left as it was). */
  readonly changed: boolean;
  /** The list now in the CA folder. */
  readonly list: SignedRevocationList;
}

function checkReason(reason: string): RevocationReason {
  if (!(REVOCATION_REASONS as readonly string[]).includes(reason)) {
    throw new ChassisError(
      'CHASSIS_E_CA_REQUEST_INVALID',
      `Unknown revocation reason "${reason}"; use one of ${REVOCATION_REASONS.join(', ')}`,
      { details: { reason } },
    );
  }
  return reason as RevocationReason;
}

/**
 * Adds a vendor certificate to the CA's signed revocation list (version + 1, re-signed, written
 * atomically). `serialOrCertPem` is a hex serial or the certificate PEM; a PEM must have been
 * issued by this CA (`CHASSIS_E_CERT_UNTRUSTED` otherwise). Revoking twice changes nothing.
 * One writer per CA folder at a time (the CA is an offline, operator-run tool).
 */
export async function revoke(
  caDir: string,
  serialOrCertPem: string,
  reason: string = 'unspecified',
  options: RevokeOptions = {},
): Promise<RevokeResult> {
  const why = checkReason(reason);
  const ca = await loadCa(caDir);
  let serial: string;
  let subject: string | undefined;
  if (splitPemCertificates(serialOrCertPem).length > 0) {
    const cert = parseCertificatePem(serialOrCertPem, 'the certificate to revoke');
    const nodeCert = new NodeX509(Buffer.from(cert.rawData));
    const nodeCa = new NodeX509(Buffer.from(ca.cert.rawData));
    if (!nodeCert.checkIssued(nodeCa) || !nodeCert.verify(nodeCa.publicKey)) {
      throw new ChassisError(
        'CHASSIS_E_CERT_UNTRUSTED',
        `The certificate "${cert.subject}" was not issued by the CA in ${caDir}`,
        { details: { dir: caDir, subject: cert.subject } },
      );
    }
    serial = normalizeSerial(cert.serialNumber);
    subject = cert.subject;
  } else {
    serial = normalizeSerial(serialOrCertPem);
    if (!serial) {
      throw new ChassisError(
        'CHASSIS_E_CA_REQUEST_INVALID',
        `"${serialOrCertPem}" is neither a hex serial number nor a PEM certificate`,
        { details: { value: serialOrCertPem } },
      );
    }
  }
  const current = await loadRevocations(caDir);
  if (findRevocation(current.signed, serial)) return { serial, changed: false, list: current };
  const at = options.at ?? new Date();
  const entry: RevokedCertificate = {
    serial,
    reason: why,
    revokedAt: at.toISOString(),
    ...(subject === undefined ? {} : { subject }),
  };
  const list = signRevocationList(
    {
      ...current.signed,
      version: current.signed.version + 1,
      issuedAt: at.toISOString(),
      revoked: [...current.signed.revoked, entry],
    },
    ca.keyPem,
  );
  await writeFileAtomic(caPath(caDir, 'revocations'), `${JSON.stringify(list, null, 2)}\n`);
  return { serial, changed: true, list };
}
