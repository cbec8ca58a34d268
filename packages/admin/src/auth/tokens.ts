import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ChassisError } from '@chassis/kernel';
import type { Principal } from '@chassis/runtime';

/** How the admin server authenticates callers. */
export interface AuthOptions {
  /** Configured bearer tokens and the principal each one stands for. */
  readonly tokens?: Readonly<Record<string, Principal>>;
  /**
   * The server's data directory: an admin token is generated there at first start (file
   * {@link ADMIN_TOKEN_FILE}, mode 0600) and read back on later starts.
   */
  readonly dataDir?: string;
  /** Prints the generated token once (default: one line on stderr). */
  readonly print?: (line: string) => void;
  /** Custom authentication (e.g. an SSO gateway); consulted after `tokens`. */
  readonly authenticate?: (token: string) => Principal | undefined | Promise<Principal | undefined>;
  /** Let callers without a token read (role `viewer`); mutations always need a token. Default false. */
  readonly anonymousReads?: boolean;
}

/** Name of the generated token file inside the data directory. */
export const ADMIN_TOKEN_FILE = 'admin-token';

/** The principal of the generated token. */
export const ADMIN_PRINCIPAL: Principal = Object.freeze({
  id: 'admin',
  roles: Object.freeze(['admin']),
});

/** The principal of a tokenless read when `anonymousReads` is on. */
export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({
  id: 'anonymous',
  roles: Object.freeze(['viewer']),
});

/**
 * Reads the admin token from `dataDir`, or generates one (32 random bytes, base64url), writes it
 * with mode 0600 and reports `created: true` so the caller prints it once.
 */
export function loadOrCreateAdminToken(dataDir: string): {
  token: string;
  file: string;
  created: boolean;
} {
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return { token, file, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(32).toString('base64url');
  // `wx` fails if another process created the file in between: never overwrite a live token.
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(file, 0o600);
  return { token, file, created: true };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Resolves a bearer token to a principal; `undefined` for unknown tokens. */
export type Authenticator = (token: string) => Promise<Principal | undefined>;

/**
 * Builds the authenticator of {@link AuthOptions}. Tokens are compared by SHA-256 digest with
 * `timingSafeEqual`, so response time does not leak how much of a token matched.
 */
export function createAuthenticator(options: AuthOptions): Authenticator {
  const table: { hash: Buffer; principal: Principal }[] = [];
  for (const [token, principal] of Object.entries(options.tokens ?? {})) {
    table.push({ hash: digest(token), principal });
  }
  if (options.dataDir) {
    const { token, file, created } = loadOrCreateAdminToken(options.dataDir);
    if (created) {
      const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
      print(`chassis admin token (printed once, stored in ${file}): ${token}`);
    }
    table.push({ hash: digest(token), principal: ADMIN_PRINCIPAL });
  }
  if (table.length === 0 && !options.authenticate) {
    throw new ChassisError(
      'CHASSIS_E_AUTH_REQUIRED',
      'The admin server needs auth.tokens, auth.dataDir (generated token) or auth.authenticate; it never runs without authentication.',
    );
  }
  return async (token) => {
    const hash = digest(token);
    let found: Principal | undefined;
    for (const entry of table) {
      // Compare against every entry so timing does not depend on the position of a match.
      if (timingSafeEqual(entry.hash, hash) && !found) found = entry.principal;
    }
    return found ?? (options.authenticate ? await options.authenticate(token) : undefined);
  };
}
