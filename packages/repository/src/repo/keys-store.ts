import { chmod, mkdir, readFile, rename } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import {
  generateRoleKey,
  ROLE_NAMES,
  type RoleKey,
  type RoleName,
  roleKeyFromPem,
  roleKeyToPem,
} from '../tuf/keys.js';
import { writeFileAtomic } from './atomic.js';

/** The signing key of every top-level role. */
export type RoleKeys = Record<RoleName, RoleKey>;

function keyFile(keysDir: string, role: RoleName): string {
  return join(keysDir, `${role}.pem`);
}

/**
 * Refuses a keys folder inside (or equal to) the repository: anything under the repository is
 * published by `serve`, `mirror` and `export`, and private keys must never be.
 */
export function assertKeysOutside(repoDir: string, keysDir: string): void {
  const rel = relative(resolve(repoDir), resolve(keysDir));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new ChassisError(
      'CHASSIS_E_REPO_KEYS_INSIDE',
      `Keys folder ${keysDir} is inside repository ${repoDir}; keep private keys outside what is published`,
      { details: { repoDir, keysDir } },
    );
  }
}

/**
 * Reads one role key. Resolves `undefined` only when the file is absent (`ENOENT`); any other
 * failure (permissions, a corrupt PEM) is `CHASSIS_E_REPO_KEYS_UNREADABLE` naming the file, so
 * a key that exists is never silently replaced.
 */
async function readRoleKey(keysDir: string, role: RoleName): Promise<RoleKey | undefined> {
  const file = keyFile(keysDir, role);
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(file, role, `cannot be read (${(err as NodeJS.ErrnoException).code})`, err);
  }
  try {
    return roleKeyFromPem(pem);
  } catch (err) {
    throw unreadable(file, role, 'is not a valid PKCS#8 PEM key', err);
  }
}

function unreadable(file: string, role: RoleName, what: string, cause: unknown): ChassisError {
  return new ChassisError(
    'CHASSIS_E_REPO_KEYS_UNREADABLE',
    `The ${role} key ${file} ${what}; fix its permissions or restore it from a backup (it is never regenerated over)`,
    { details: { file, role }, cause },
  );
}

/** Loads the four role keys (`<role>.pem`, PKCS#8) from `keysDir`. */
export async function loadRoleKeys(keysDir: string): Promise<RoleKeys> {
  const entries = await Promise.all(
    ROLE_NAMES.map(async (role) => {
      const key = await readRoleKey(keysDir, role);
      if (!key) {
        throw new ChassisError(
          'CHASSIS_E_REPO_KEYS_NOT_FOUND',
          `Cannot read the ${role} key ${keyFile(keysDir, role)}; run "chassis repo init" or pass the right --keys folder`,
          { details: { keysDir, role } },
        );
      }
      return [role, key] as const;
    }),
  );
  return Object.fromEntries(entries) as RoleKeys;
}

/** Stores one role key (mode 0600). */
export async function saveRoleKey(keysDir: string, role: RoleName, key: RoleKey): Promise<void> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(keyFile(keysDir, role), roleKeyToPem(key));
  await chmod(keyFile(keysDir, role), 0o600);
}

/** Loads the role keys, creating (and storing) only those whose file is absent. */
export async function loadOrCreateRoleKeys(keysDir: string): Promise<RoleKeys> {
  const keys: Partial<RoleKeys> = {};
  for (const role of ROLE_NAMES) {
    const existing = await readRoleKey(keysDir, role);
    if (existing) {
      keys[role] = existing;
    } else {
      keys[role] = generateRoleKey();
      await saveRoleKey(keysDir, role, keys[role]);
    }
  }
  return keys as RoleKeys;
}

/** Keeps a replaced key as `<role>.v<rootVersion>.pem` (needed to re-sign history, audits). */
export async function archiveRoleKey(
  keysDir: string,
  role: RoleName,
  rootVersion: number,
): Promise<void> {
  await rename(keyFile(keysDir, role), join(keysDir, `${role}.v${rootVersion}.pem`));
}
