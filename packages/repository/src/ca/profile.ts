import { ChassisError } from '@chassis/kernel';
import { x509 } from './x509.js';

/**
 * URI scheme prefix of the Subject Alternative Name that carries a driver-id prefix the vendor
 * may sign, e.g. `chassis:id-prefix:com.example.`. A SAN URI (rather than a private extension)
 * is visible in `openssl x509 -text`, survives every X.509 tool unchanged and never trips
 * "unhandled critical extension".
 */
export const ID_PREFIX_URI = 'chassis:id-prefix:';

const PREFIX_RE = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*\.?$/;

/** Checks and normalises a driver-id prefix (lower-case reverse-DNS, optional trailing dot). */
export function normalizeIdPrefix(prefix: string): string {
  const value = prefix.trim();
  if (!PREFIX_RE.test(value)) {
    throw new ChassisError(
      'CHASSIS_E_CA_REQUEST_INVALID',
      `Invalid driver-id prefix "${prefix}": use lower-case reverse-DNS such as "com.example."`,
      { details: { idPrefix: prefix } },
    );
  }
  return value;
}

/**
 * True when `driverId` lies within `prefix`. A prefix ending in `.` matches ids below it
 * (`com.example.` matches `com.example.solidfire`); a prefix without the dot matches that id
 * and ids below it, but never a sibling that merely starts with the same letters
 * (`com.example` does not match `com.examplevil.x`).
 */
export function idWithinPrefix(driverId: string, prefix: string): boolean {
  if (prefix.endsWith('.')) return driverId.startsWith(prefix) && driverId.length > prefix.length;
  return driverId === prefix || driverId.startsWith(`${prefix}.`);
}

/** The driver-id prefixes a certificate allows (its `chassis:id-prefix:` SAN URIs). */
export function idPrefixesOf(cert: x509.X509Certificate): string[] {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  if (!san) return [];
  return san.names.items
    .filter((name) => name.type === 'url' && name.value.startsWith(ID_PREFIX_URI))
    .map((name) => name.value.slice(ID_PREFIX_URI.length));
}

/** The SAN extension that encodes `prefixes`. */
export function idPrefixExtension(
  prefixes: readonly string[],
): x509.SubjectAlternativeNameExtension {
  return new x509.SubjectAlternativeNameExtension(
    prefixes.map((p) => ({ type: 'url' as const, value: `${ID_PREFIX_URI}${p}` })),
    false,
  );
}
