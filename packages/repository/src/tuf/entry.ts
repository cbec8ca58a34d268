import type { TargetFile } from '@tufjs/models';
import { digestOfTargetPath } from '../repo/layout.js';

/** Who signed a CAR, read from its `META-INF/CERT.pem` when the repository indexed it. */
export interface SignerInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly fingerprint256: string;
  readonly validTo: string;
}

/**
 * The Chassis data stored with each TUF target (`custom.chassis`): what `search` and `info`
 * show and what update checks need, without downloading the CAR. Covered by the targets
 * signature like the digest itself.
 */
export interface ChassisTargetCustom {
  readonly id: string;
  readonly version: string;
  readonly name: string;
  readonly vendor: string;
  readonly category: string;
  readonly license?: string;
  readonly description?: string;
  readonly engines: { readonly chassis: string };
  readonly provides: readonly { readonly point: string; readonly version: string }[];
  readonly requires?: readonly { readonly id: string; readonly version: string }[];
  readonly signed: boolean;
  readonly signer?: SignerInfo;
}

/** One driver version offered by a repository (verified TUF target + its Chassis data). */
export interface DriverEntry extends ChassisTargetCustom {
  /** Target path, e.g. `cars/<sha256>.car`. */
  readonly path: string;
  readonly sha256: string;
  readonly length: number;
}

function isCustom(value: unknown): value is ChassisTargetCustom {
  const v = value as Record<string, unknown> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.version === 'string' &&
    typeof v.name === 'string' &&
    typeof v.vendor === 'string' &&
    typeof v.category === 'string' &&
    typeof v.signed === 'boolean'
  );
}

/**
 * The driver entry of a TUF target, or `undefined` for targets that are not Chassis CARs
 * (unknown paths or missing Chassis data are ignored, never trusted half-way).
 */
export function entryOfTarget(target: TargetFile): DriverEntry | undefined {
  const sha256 = digestOfTargetPath(target.path);
  const custom = (target.custom as Record<string, unknown> | undefined)?.chassis;
  if (!sha256 || target.hashes.sha256 !== sha256 || !isCustom(custom)) return undefined;
  const c = custom;
  return {
    id: c.id,
    version: c.version,
    name: c.name,
    vendor: c.vendor,
    category: c.category,
    ...(c.license === undefined ? {} : { license: c.license }),
    ...(c.description === undefined ? {} : { description: c.description }),
    engines: { chassis: String(c.engines?.chassis ?? '*') },
    provides: Array.isArray(c.provides) ? c.provides : [],
    ...(Array.isArray(c.requires) ? { requires: c.requires } : {}),
    signed: c.signed,
    ...(c.signer === undefined ? {} : { signer: c.signer }),
    path: target.path,
    sha256,
    length: target.length,
  };
}
