import { X509Certificate } from 'node:crypto';
import { readCar, verifyCar } from '@chassis/car';
import type { DriverDescriptor } from '@chassis/kernel';
import type { SignerInfo } from '../tuf/entry.js';

/** What the repository needs to know about a CAR to list it. */
export interface CarSummary {
  readonly descriptor: DriverDescriptor;
  readonly signed: boolean;
  readonly certificatePem?: string;
}

/** Reads a CAR's summary (injectable so the TUF layer can be tested without real CARs). */
export type CarInspector = (file: string) => Promise<CarSummary>;

/** Verifies a CAR before it is published; throws a ChassisError with the failing check's code. */
export type CarVerifier = (file: string) => Promise<void>;

/** The default inspector: `readCar` from `@chassis/car`. */
export const readCarSummary: CarInspector = async (file) => {
  const car = await readCar(file);
  return {
    descriptor: car.descriptor,
    signed: car.signature !== undefined,
    ...(car.certificatePem === undefined ? {} : { certificatePem: car.certificatePem }),
  };
};

/** The default verifier: `verifyCar` from `@chassis/car` (digests, manifest, layout). */
export const verifyCarIntegrity: CarVerifier = async (file) => {
  await verifyCar(file);
};

/** The leaf certificate of a PEM chain, summarised for listings; `undefined` if unparsable. */
export function signerOf(certificatePem: string | undefined): SignerInfo | undefined {
  if (!certificatePem) return undefined;
  try {
    const leaf = new X509Certificate(certificatePem);
    return {
      subject: leaf.subject,
      issuer: leaf.issuer,
      fingerprint256: leaf.fingerprint256,
      validTo: new Date(leaf.validTo).toISOString(),
    };
  } catch {
    // The signer is informational in a listing; trust is decided at install, where the chain is
    // parsed and verified against the CA and an unparsable certificate is refused.
    return undefined;
  }
}
