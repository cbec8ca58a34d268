import { mkdir, readFile, stat } from 'node:fs/promises';
import { ChassisError } from '@chassis/kernel';
import { buildCertificate } from './certificate.js';
import { caPath, writeFileAtomic, writeFileExclusive } from './files.js';
import { parseCertificatePem } from './pem.js';
import { emptyRevocationList, signRevocationList } from './revocation-format.js';
import { checkDate, checkDays, checkName } from './validate.js';
import {
  addDays,
  fingerprint,
  generateEd25519,
  importPrivateKeyPem,
  type Key,
  privateKeyToPem,
  x509,
} from './x509.js';

/** Options of {@link initCa}. */
export interface InitCaOptions {
  /** Common name of the CA, e.g. "Chassis Project Root CA". */
  readonly name?: string;
  /** Validity in days (default 3650). */
  readonly validDays?: number;
  /** Start of validity (default now). */
  readonly notBefore?: Date;
}

/** What {@link initCa} created. */
export interface InitCaResult {
  /** The CA certificate (PEM): the trust anchor operators configure. */
  readonly certPem: string;
  /** Serial number (lower-case hex). */
  readonly serial: string;
  /** SHA-256 of the certificate DER (hex); also the revocation list's `issuer`. */
  readonly fingerprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A CA loaded from its folder, ready to issue and revoke. */
export interface LoadedCa {
  readonly dir: string;
  readonly cert: x509.X509Certificate;
  readonly certPem: string;
  readonly keyPem: string;
  readonly key: Key;
  readonly fingerprint: string;
}

/** Default common name of the project CA. */
export const DEFAULT_CA_NAME = 'Chassis Project Root CA';

/**
 * Creates the project root CA in `dir`: `ca.key` (PKCS#8 PEM, mode 0600, created exclusively so
 * two concurrent inits cannot both win), `ca.pem` (self-signed, BasicConstraints CA:TRUE critical,
 * KeyUsage keyCertSign|cRLSign critical) and an empty signed `revocations.json` (version 1).
 * Refuses with `CHASSIS_E_CA_EXISTS` when a CA key or certificate is already there.
 */
export async function initCa(dir: string, options: InitCaOptions = {}): Promise<InitCaResult> {
  const name = checkName(options.name ?? DEFAULT_CA_NAME, 'name');
  const days = checkDays(options.validDays ?? 3650, 'validDays');
  const notBefore = checkDate(options.notBefore ?? new Date(), 'notBefore');
  await mkdir(dir, { recursive: true });
  for (const file of ['key', 'cert'] as const) {
    if (await exists(caPath(dir, file))) throw caExists(dir);
  }
  const keys = await generateEd25519();
  const cert = await buildCertificate({
    subject: [{ CN: [name] }],
    publicKey: keys.publicKey,
    selfKey: keys.privateKey,
    notBefore,
    notAfter: addDays(notBefore, days),
    ca: true,
    keyUsage: x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
  });
  const keyPem = await privateKeyToPem(keys.privateKey);
  const certPem = `${cert.toString('pem')}\n`;
  try {
    await writeFileExclusive(caPath(dir, 'key'), keyPem, 0o600);
    await writeFileExclusive(caPath(dir, 'cert'), certPem, 0o644);
  } catch (err) {
    throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? caExists(dir) : err;
  }
  const print = fingerprint(cert.rawData);
  const revocations = signRevocationList(emptyRevocationList(print, notBefore), keyPem);
  await writeFileAtomic(caPath(dir, 'revocations'), `${JSON.stringify(revocations, null, 2)}\n`);
  return {
    certPem,
    serial: cert.serialNumber,
    fingerprint: print,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

function caExists(dir: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CA_EXISTS',
    `A CA already exists in ${dir}; refusing to overwrite it (use another folder)`,
    { details: { dir } },
  );
}

/** Only `ENOENT` means absent: a CA file that cannot be checked must not be overwritten. */
async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ChassisError(
      'CHASSIS_E_REPO_STATE_UNREADABLE',
      `Cannot tell whether ${file} exists (${(err as Error).message}); fix its permissions first`,
      { details: { file }, cause: err },
    );
  }
}

async function readCaFile(dir: string, file: 'cert' | 'key'): Promise<string> {
  try {
    return await readFile(caPath(dir, file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ChassisError(
        'CHASSIS_E_CA_NOT_FOUND',
        `No CA in ${dir}: ${caPath(dir, file)} is missing (create one with "chassis ca init")`,
        { details: { dir, file: caPath(dir, file) } },
      );
    }
    throw err;
  }
}

/** Reads the CA certificate (PEM) of a CA folder. */
export async function loadCaCertificatePem(dir: string): Promise<string> {
  const pem = await readCaFile(dir, 'cert');
  parseCertificatePem(pem, caPath(dir, 'cert'));
  return pem;
}

/** Loads the CA certificate and private key of `dir` (`CHASSIS_E_CA_NOT_FOUND` if absent). */
export async function loadCa(dir: string): Promise<LoadedCa> {
  const certPem = await readCaFile(dir, 'cert');
  const keyPem = await readCaFile(dir, 'key');
  const cert = parseCertificatePem(certPem, caPath(dir, 'cert'));
  let key: Key;
  try {
    key = await importPrivateKeyPem(keyPem);
  } catch (cause) {
    throw new ChassisError(
      'CHASSIS_E_CERT_MALFORMED',
      `${caPath(dir, 'key')} is not an Ed25519 PKCS#8 private key`,
      { details: { file: caPath(dir, 'key') }, cause },
    );
  }
  return { dir, cert, certPem, keyPem, key, fingerprint: fingerprint(cert.rawData) };
}
