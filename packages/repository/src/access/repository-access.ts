import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CarArchive } from '@chassis/car';
import { ChassisError } from '@chassis/kernel';
import semver from 'semver';
import { verifyCarTrust } from '../signing/verify.js';
import { RepositoryClient, type RepositoryClientOptions } from '../tuf/client.js';
import { findUpdates, type HostCompatibility, isCompatible } from '../updates/find-updates.js';

/** How a server trusts CARs: the project CA, its revocation list, explicitly allowed unsigned ids. */
export interface TrustPolicy {
  /** PEM of the project CA (or a path to it). Without it only `allowUnsigned` ids install. */
  readonly caPem?: string;
  /** Signed revocation list JSON (or a path to it). */
  readonly revocations?: string;
  /** Driver ids the operator allows unsigned (development, in-house drivers). */
  readonly allowUnsigned?: readonly string[];
}

/** What a management server gets from a repository: plain functions, no runtime types. */
export interface RepositoryAccess {
  /**
   * Verifies a CAR before anything is loaded or persisted; throws typed `CHASSIS_E_SIG_*`/`CERT_*`.
   * Given the archive a caller already read and checked, it does not read the file again.
   */
  verify(car: string | CarArchive): Promise<{
    signed: boolean;
    vendor?: string;
    subject?: string;
    serial?: string;
    notAfter?: string;
  }>;
  /** Downloads `id@version` (newest compatible when absent) into `downloadDir`; returns the file. */
  acquire(id: string, version?: string): Promise<string>;
  /** Installed drivers with newer compatible versions in the repository (after a verified refresh). */
  check(
    installed: readonly { id: string; version: string; category: string }[],
  ): Promise<{ id: string; installed: string; available: string; category: string }[]>;
}

async function pemOrFile(value: string | undefined): Promise<string | undefined> {
  if (!value) return undefined;
  return value.trimStart().startsWith('-----BEGIN') || value.trimStart().startsWith('{')
    ? value
    : readFile(value, 'utf8');
}

/**
 * Builds the trust check alone (for servers that install CARs from files or a plain directory
 * source): signature, chain to the project CA, revocation, id prefix; unsigned only for ids the
 * operator allowed.
 */
export function createTrustVerifier(policy: TrustPolicy): RepositoryAccess['verify'] {
  let loaded: Promise<{ caPem?: string; revocations?: string }> | undefined;
  return async (car) => {
    loaded ??= Promise.all([pemOrFile(policy.caPem), pemOrFile(policy.revocations)]).then(
      ([caPem, revocations]) => ({
        ...(caPem ? { caPem } : {}),
        ...(revocations ? { revocations } : {}),
      }),
    );
    const { caPem, revocations } = await loaded;
    const trust = await verifyCarTrust(car, {
      caPem: caPem ?? '',
      ...(revocations ? { revocations } : {}),
      allowUnsigned: policy.allowUnsigned ?? [],
    });
    return {
      signed: trust.signed,
      ...(trust.vendor ? { vendor: trust.vendor } : {}),
      ...(trust.subject ? { subject: trust.subject } : {}),
      ...(trust.serial ? { serial: trust.serial } : {}),
      ...(trust.notAfter ? { notAfter: String(trust.notAfter) } : {}),
    };
  };
}

/**
 * Connects a management server to a TUF repository: verified metadata refreshes, verified
 * downloads, update notices and the CAR trust policy, as the plain functions a server composes.
 */
export function createRepositoryAccess(
  options: RepositoryClientOptions &
    TrustPolicy &
    HostCompatibility & { readonly downloadDir: string },
): RepositoryAccess {
  const client = new RepositoryClient(options);
  const host: HostCompatibility = {
    chassisVersion: options.chassisVersion,
    ...(options.contracts ? { contracts: options.contracts } : {}),
  };
  return {
    verify: createTrustVerifier(options),
    async acquire(id, version) {
      const entries = await client.refresh();
      const candidates = entries.filter(
        (e) => e.id === id && (version ? e.version === version : isCompatible(e, host)),
      );
      const entry = candidates.sort((a, b) => semver.rcompare(a.version, b.version))[0];
      if (!entry) {
        throw new ChassisError(
          'CHASSIS_E_REPO_DRIVER_NOT_FOUND',
          `The repository has no ${version ? `${id}@${version}` : `version of ${id} compatible with Chassis ${host.chassisVersion}`}`,
          { details: { driver: id, version } },
        );
      }
      await mkdir(options.downloadDir, { recursive: true });
      const file = join(options.downloadDir, `${entry.sha256}.car`);
      await client.download(entry.id, entry.version, file);
      return file;
    },
    async check(installed) {
      const entries = await client.refresh();
      const byId = new Map(installed.map((i) => [i.id, i.category]));
      return findUpdates(installed, entries, host).map((n) => ({
        id: n.id,
        installed: n.installed,
        available: n.latest.version,
        category: byId.get(n.id) ?? n.latest.category,
      }));
    },
  };
}
