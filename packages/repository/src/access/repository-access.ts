import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CarArchive } from '@chassis/car';
import { ChassisError } from '@chassis/kernel';
import semver from 'semver';
import { verifyCarTrust } from '../signing/verify.js';
import { RepositoryClient, type RepositoryClientOptions } from '../tuf/client.js';
import type { DriverEntry } from '../tuf/entry.js';
import { findUpdates, type HostCompatibility, isCompatible } from '../updates/find-updates.js';
import { RevocationState } from './revocation-state.js';

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
  /**
   * Verifies the trust inputs before the server starts: the operator's revocation file and,
   * when the repository publishes one, the CA's list from the repository (an invalid list fails
   * the start with `CHASSIS_E_CA_REVOCATIONS_INVALID`; an unreachable repository does not).
   * Optional for plain trust verifiers.
   */
  ready?(): Promise<void>;
  /**
   * Installed drivers with newer compatible versions in the repository (after a verified
   * refresh, which also brings the repository's revocation list in force).
   */
  check(
    installed: readonly { id: string; version: string; category: string }[],
  ): Promise<{ id: string; installed: string; available: string; category: string }[]>;
  /**
   * Every driver version the repository offers, after a verified refresh (which also brings
   * its revocation list in force), each marked `compatible` with this host: the catalog an
   * operator searches before installing by id. Nothing is downloaded.
   */
  offers(): Promise<CatalogEntry[]>;
}

/** One version the repository offers, and whether this host can run it. */
export interface CatalogEntry extends DriverEntry {
  readonly compatible: boolean;
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
 * operator allowed. With `current`, the revocation list in force is read from it at every check
 * (the repository access moves it forward on each refresh).
 */
export function createTrustVerifier(
  policy: TrustPolicy,
  current?: () => string | undefined,
): RepositoryAccess['verify'] {
  let loaded: Promise<{ caPem?: string; revocations?: string }> | undefined;
  return async (car) => {
    loaded ??= Promise.all([pemOrFile(policy.caPem), pemOrFile(policy.revocations)]).then(
      ([caPem, revocations]) => ({
        ...(caPem ? { caPem } : {}),
        ...(revocations ? { revocations } : {}),
      }),
    );
    const { caPem, revocations: fixed } = await loaded;
    const revocations = current?.() ?? fixed;
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
  let caPem: Promise<string | undefined> | undefined;
  let state: RevocationState | undefined;
  let fileChecked: Promise<RevocationState> | undefined;
  // The operator's file is verified once, before the first decision (and at `ready()`).
  const revocations = (): Promise<RevocationState> => {
    caPem ??= pemOrFile(options.caPem);
    fileChecked ??= caPem.then(async (ca) => {
      const s = new RevocationState(ca);
      const text = await pemOrFile(options.revocations);
      if (text !== undefined) {
        const file = options.revocations!;
        s.accept(text, file.trimStart().startsWith('{') ? 'the configured list' : file);
      }
      state = s;
      return s;
    });
    return fileChecked;
  };
  // The repository's list, once TUF verified the metadata naming it, replaces the one in force.
  const adopt = async (s: RevocationState): Promise<void> => {
    const published = await client.revocations();
    if (!published || !(await caPem)) return;
    const source = `repository ${client.url}`;
    const fromFile = s.source !== undefined && s.source !== source;
    try {
      s.accept(published.toString('utf8'), source);
    } catch (err) {
      // The operator's own file may be newer than what the repository publishes yet: it stays
      // in force. An older list after a newer one from the repository itself is a rollback.
      if (!(fromFile && ChassisError.is(err, 'CHASSIS_E_REPO_ROLLBACK'))) throw err;
    }
  };
  // Every refresh brings the repository's revocation list in force before anything is decided.
  const refresh = async () => {
    const s = await revocations();
    const entries = await client.refresh();
    await adopt(s);
    return entries;
  };
  const verifyWith = createTrustVerifier(options, () => state?.current);
  return {
    async verify(carFile) {
      await revocations();
      return verifyWith(carFile);
    },
    async ready() {
      const s = await revocations();
      try {
        await client.refresh();
      } catch {
        // Offline at start is fine: installs and update checks refresh again and say why.
        return;
      }
      await adopt(s);
    },
    async acquire(id, version) {
      const entries = await refresh();
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
    async offers() {
      return (await refresh()).map((e) => ({ ...e, compatible: isCompatible(e, host) }));
    },
    async check(installed) {
      const entries = await refresh();
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
