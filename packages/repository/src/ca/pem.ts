import { readFile } from 'node:fs/promises';
import { ChassisError } from '@chassis/kernel';
import { x509 } from './x509.js';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Splits a PEM bundle into its certificate blocks, in order. */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(CERT_BLOCK) ?? [];
}

/** Parses one PEM certificate; `CHASSIS_E_CERT_MALFORMED` names `what` when it cannot. */
export function parseCertificatePem(pem: string, what: string): x509.X509Certificate {
  const blocks = splitPemCertificates(pem);
  if (blocks.length === 0) {
    throw new ChassisError('CHASSIS_E_CERT_MALFORMED', `${what} holds no PEM certificate`, {
      details: { what },
    });
  }
  try {
    return new x509.X509Certificate(blocks[0]);
  } catch (cause) {
    throw new ChassisError('CHASSIS_E_CERT_MALFORMED', `${what} is not a valid X.509 certificate`, {
      details: { what },
      cause,
    });
  }
}

/** Parses every certificate of a PEM bundle (at least one). */
export function parseCertificateChainPem(pem: string, what: string): x509.X509Certificate[] {
  const blocks = splitPemCertificates(pem);
  if (blocks.length === 0) {
    throw new ChassisError('CHASSIS_E_CERT_MALFORMED', `${what} holds no PEM certificate`, {
      details: { what },
    });
  }
  return blocks.map((block, index) =>
    parseCertificatePem(block, `${what} (certificate ${index + 1})`),
  );
}

/** Reads a PEM file given on a command line; a missing file is `CHASSIS_E_CERT_MALFORMED`. */
export async function readPemFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    throw new ChassisError('CHASSIS_E_CERT_MALFORMED', `Cannot read ${what} file ${file}`, {
      details: { file, what },
      cause,
    });
  }
}
