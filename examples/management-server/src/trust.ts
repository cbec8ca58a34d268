import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HYPERVISOR_CONTRACT_VERSION } from '@chassis/hypervisor';
import { ChassisError } from '@chassis/kernel';
import { NETWORK_DEVICE_CONTRACT_VERSION } from '@chassis/network';
import {
  createRepositoryAccess,
  createTrustVerifier,
  type RepositoryAccess,
  readPemFile,
  verifyRevocationList,
} from '@chassis/repository';
import { PRIMARY_STORAGE_CONTRACT_VERSION } from '@chassis/storage';
import { DRIVER_IDS } from './resources.js';

/** The Chassis version this server implements: a repository version must accept it (`engines.chassis`). */
export const HOST_CHASSIS_VERSION = '1.0.0';

/** The contract versions of the facades this server composes (a new version must provide a matching one). */
export const HOST_CONTRACTS: Readonly<Record<string, string>> = {
  'network.device': NETWORK_DEVICE_CONTRACT_VERSION,
  'storage.primary': PRIMARY_STORAGE_CONTRACT_VERSION,
  hypervisor: HYPERVISOR_CONTRACT_VERSION,
};

/** The example drivers' ids: their CARs are unsigned, so without a CA the example allows them. */
export const EXAMPLE_UNSIGNED_IDS: readonly string[] = Object.values(DRIVER_IDS);

/** Which CARs the server accepts: files of the operator's configuration (paths, not contents). */
export interface TrustOptions {
  /** Project CA certificate (PEM file). Absent: only `allowUnsigned` ids install. */
  readonly ca?: string;
  /** The CA's signed revocation list (JSON file). */
  readonly revocations?: string;
  /**
   * Driver ids allowed unsigned. Absent: none with a CA, the three example drivers without
   * one (the demo's CARs are unsigned).
   */
  readonly allowUnsigned?: readonly string[];
}

/** A signed (TUF) repository that installs and upgrades by id come from. */
export interface TufOptions {
  /** Folder, `file:` or `http(s)://` URL of the repository. */
  readonly url: string;
  /** The operator's trusted `root.json` (path). */
  readonly trustedRoot: string;
}

/** What {@link createRepositorySetup} gives the management server. */
export interface RepositorySetup {
  /** Trust check of every CAR before anything is loaded or persisted. */
  readonly verify: RepositoryAccess['verify'];
  /** The TUF repository (acquire by id, update checks); absent without one. */
  readonly access?: RepositoryAccess;
  /** Driver ids allowed unsigned, as in force. */
  readonly allowUnsigned: readonly string[];
  /** Human-readable lines describing the policy, for the start-up output. */
  readonly lines: readonly string[];
}

/**
 * Builds the server's trust policy and, with `tuf`, its repository access. Files are read here,
 * so a wrong path fails the start with its name rather than the first install. The TUF client
 * keeps its verified metadata in `<dataDir>/repository-cache` (so a restart keeps its rollback
 * protection) and downloads into `<dataDir>/downloads`.
 */
export async function createRepositorySetup(
  dataDir: string,
  trust: TrustOptions = {},
  tuf?: TufOptions,
): Promise<RepositorySetup> {
  const caPem = trust.ca ? await readPemFile(trust.ca, '--ca') : undefined;
  const revocations = trust.revocations
    ? await readPemFile(trust.revocations, '--revocations')
    : undefined;
  // An invalid list fails the start, not the first install (CHASSIS_E_CA_REVOCATIONS_INVALID).
  if (caPem && revocations) verifyRevocationList(caPem, revocations);
  const allowUnsigned = trust.allowUnsigned ?? (caPem ? [] : EXAMPLE_UNSIGNED_IDS);
  const policy = {
    ...(caPem ? { caPem } : {}),
    ...(revocations ? { revocations } : {}),
    allowUnsigned,
  };
  const lines = [
    caPem
      ? `  CARs must be signed by a vendor certificate of the project CA ${trust.ca}${revocations ? ` (revocations ${trust.revocations})` : ''}`
      : '  no project CA configured (--ca): signed CARs cannot be verified and are refused',
    allowUnsigned.length > 0
      ? `  unsigned CARs allowed only for ${allowUnsigned.join(', ')}${trust.allowUnsigned ? '' : ' (the example CARs are unsigned; --allow-unsigned to change)'}`
      : '  unsigned CARs are refused (--allow-unsigned <id> to allow one)',
  ];
  if (!tuf) return { verify: createTrustVerifier(policy), allowUnsigned, lines };

  let trustedRoot: Uint8Array;
  try {
    trustedRoot = await readFile(tuf.trustedRoot);
  } catch (cause) {
    throw new ChassisError(
      'CHASSIS_E_REPO_METADATA_INVALID',
      `Cannot read the trusted root ${tuf.trustedRoot} (--trusted-root); copy the repository's 1.root.json there`,
      { details: { file: tuf.trustedRoot }, cause },
    );
  }
  const access = serialized(
    createRepositoryAccess({
      url: tuf.url,
      trustedRoot,
      cacheDir: join(dataDir, 'repository-cache'),
      downloadDir: join(dataDir, 'downloads'),
      chassisVersion: HOST_CHASSIS_VERSION,
      contracts: HOST_CONTRACTS,
      ...policy,
    }),
  );
  // The repository's revocation list (a TUF target) is verified before anything starts, and
  // brought in force again by every update check and install by id.
  await access.ready?.();
  return {
    verify: access.verify,
    access,
    allowUnsigned,
    lines: [
      ...lines,
      `  installs and upgrades by id come from the TUF repository ${tuf.url} (trusted root ${tuf.trustedRoot}); the CA's revocation list is refreshed from it with every update check`,
    ],
  };
}

/**
 * Runs the repository's refreshing calls (`acquire`, `check`) one at a time. Each one refreshes
 * the TUF metadata and commits it to the shared cache folder file by file; a periodic check
 * overlapping an install must not interleave two commits.
 */
function serialized(access: RepositoryAccess): RepositoryAccess {
  let queue: Promise<unknown> = Promise.resolve();
  const one = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.catch(() => {}).then(fn);
    queue = next;
    return next;
  };
  return {
    verify: access.verify,
    ...(access.ready ? { ready: () => one(() => access.ready!()) } : {}),
    acquire: (id, version) => one(() => access.acquire(id, version)),
    check: (installed) => one(() => access.check(installed)),
  };
}
