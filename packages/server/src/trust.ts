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

/** The Chassis version this server implements: a repository version must accept it (`engines.chassis`). */
export const HOST_CHASSIS_VERSION = '1.0.0';

/** The contract versions of the facades this server composes (a new version must provide a matching one). */
export const HOST_CONTRACTS: Readonly<Record<string, string>> = {
  'network.device': NETWORK_DEVICE_CONTRACT_VERSION,
  'storage.primary': PRIMARY_STORAGE_CONTRACT_VERSION,
  hypervisor: HYPERVISOR_CONTRACT_VERSION,
};

/** Which CARs the server accepts: files of the operator's configuration (paths, not contents). */
export interface TrustOptions {
  /** Project CA certificate (PEM file). Absent: only `allowUnsigned` ids install. */
  readonly ca?: string;
  /** The CA's signed revocation list (JSON file). */
  readonly revocations?: string;
  /** Driver ids allowed unsigned. Absent: {@link SetupDefaults.allowUnsigned} (default none). */
  readonly allowUnsigned?: readonly string[];
}

/** What a composing server assumes when the operator said nothing (the demo allows its own CARs). */
export interface SetupDefaults {
  /** Ids allowed unsigned when `allowUnsigned` is absent and no CA is configured. */
  readonly allowUnsigned?: readonly string[];
  /** Printed after those ids (e.g. why they are allowed and how to change it). */
  readonly note?: string;
  /** How the printed lines and errors name the settings (flags or config fields). */
  readonly names?: {
    readonly ca: string;
    readonly revocations: string;
    readonly allowUnsigned: string;
    readonly trustedRoot: string;
  };
}

/** A signed (TUF) repository that installs and upgrades by id come from. */
export interface TufOptions {
  /** Folder, `file:` or `http(s)://` URL of the repository. */
  readonly url: string;
  /** The operator's trusted `root.json` (path). */
  readonly trustedRoot: string;
  /** S3 settings when `url` is `s3://bucket/prefix` (otherwise the SDK's environment variables). */
  readonly s3?: S3Settings;
}

/** How to reach an S3-compatible store: the same fields for CAR sources and the TUF repository. */
export interface S3Settings {
  /** e.g. `http://127.0.0.1:9000` for MinIO or Ceph; default AWS. */
  readonly endpoint?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Path-style addressing, needed by most S3-compatible servers. */
  readonly forcePathStyle?: boolean;
  /** Static credentials; otherwise the AWS SDK's default chain (`AWS_ACCESS_KEY_ID`, profiles, roles). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The command-line names of the trust settings (the default of {@link SetupDefaults.names}). */
export const FLAG_NAMES = {
  ca: '--ca',
  revocations: '--revocations',
  allowUnsigned: '--allow-unsigned',
  trustedRoot: '--trusted-root',
} as const;

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
  defaults: SetupDefaults = {},
): Promise<RepositorySetup> {
  const names = defaults.names ?? FLAG_NAMES;
  const caPem = trust.ca ? await readPemFile(trust.ca, names.ca) : undefined;
  const revocations = trust.revocations
    ? await readPemFile(trust.revocations, names.revocations)
    : undefined;
  // An invalid list fails the start, not the first install (CHASSIS_E_CA_REVOCATIONS_INVALID).
  if (caPem && revocations) verifyRevocationList(caPem, revocations);
  const allowUnsigned = trust.allowUnsigned ?? (caPem ? [] : (defaults.allowUnsigned ?? []));
  const policy = {
    ...(caPem ? { caPem } : {}),
    ...(revocations ? { revocations } : {}),
    allowUnsigned,
  };
  const lines = [
    caPem
      ? `  CARs must be signed by a vendor certificate of the project CA ${trust.ca}${revocations ? ` (revocations ${trust.revocations})` : ''}`
      : `  no project CA configured (${names.ca}): signed CARs cannot be verified and are refused`,
    allowUnsigned.length > 0
      ? `  unsigned CARs allowed only for ${allowUnsigned.join(', ')}${trust.allowUnsigned || !defaults.note ? '' : ` ${defaults.note}`}`
      : `  unsigned CARs are refused (${names.allowUnsigned} <id> to allow one)`,
  ];
  if (!tuf) return { verify: createTrustVerifier(policy), allowUnsigned, lines };

  let trustedRoot: Uint8Array;
  try {
    trustedRoot = await readFile(tuf.trustedRoot);
  } catch (cause) {
    throw new ChassisError(
      'CHASSIS_E_REPO_METADATA_INVALID',
      `Cannot read the trusted root ${tuf.trustedRoot} (${names.trustedRoot}); copy the repository's 1.root.json there`,
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
      ...(tuf.s3 ? { s3: tuf.s3 } : {}),
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
 * Runs the repository's refreshing calls (`acquire`, `check`, `offers`) one at a time. Each one refreshes
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
    offers: () => one(() => access.offers()),
  };
}
