/**
 * Flags and environment variables, mapped onto fields of the configuration file. Precedence:
 * flag, then environment variable, then the file, then the default. The overlay is applied
 * before validation, so a bad flag or variable is reported like a bad field, naming itself.
 */

/** One setting that can come from a flag and/or an environment variable. */
export interface OverlaySetting {
  /** Field path in the file, e.g. `admin.port`. */
  readonly field: string;
  readonly flag?: string;
  readonly env?: string;
  /** How the text becomes the field's value. */
  readonly kind: 'string' | 'integer' | 'list';
  readonly description: string;
}

/** Every flag and variable `chassis-server` reads, besides `--config` / `CHASSIS_SERVER_CONFIG`. */
export const OVERLAY: readonly OverlaySetting[] = [
  {
    field: 'dataDir',
    flag: '--data-dir',
    env: 'CHASSIS_DATA_DIR',
    kind: 'string',
    description: 'the data directory',
  },
  {
    field: 'logLevel',
    flag: '--log-level',
    env: 'CHASSIS_LOG_LEVEL',
    kind: 'string',
    description: 'log level',
  },
  {
    field: 'sources',
    flag: '--source',
    env: 'CHASSIS_SOURCES',
    kind: 'list',
    description: "CAR sources (flag repeatable, variable comma-separated); replace the file's list",
  },
  {
    field: 'admin.port',
    flag: '--admin-port',
    env: 'CHASSIS_ADMIN_PORT',
    kind: 'integer',
    description: 'admin port',
  },
  {
    field: 'admin.host',
    flag: '--admin-host',
    env: 'CHASSIS_ADMIN_HOST',
    kind: 'string',
    description: 'admin interface',
  },
  {
    field: 'repository.url',
    flag: '--tuf-repository',
    env: 'CHASSIS_TUF_REPOSITORY',
    kind: 'string',
    description: 'TUF repository',
  },
  {
    field: 'repository.trustedRoot',
    flag: '--trusted-root',
    env: 'CHASSIS_TRUSTED_ROOT',
    kind: 'string',
    description: 'trusted root.json',
  },
  { field: 'trust.ca', flag: '--ca', env: 'CHASSIS_CA', kind: 'string', description: 'project CA' },
  {
    field: 'trust.revocations',
    flag: '--revocations',
    env: 'CHASSIS_REVOCATIONS',
    kind: 'string',
    description: 'revocation list',
  },
  {
    field: 'trust.allowUnsigned',
    flag: '--allow-unsigned',
    env: 'CHASSIS_ALLOW_UNSIGNED',
    kind: 'list',
    description: 'ids allowed unsigned',
  },
  { field: 's3.endpoint', env: 'CHASSIS_S3_ENDPOINT', kind: 'string', description: 'S3 endpoint' },
  { field: 's3.region', env: 'CHASSIS_S3_REGION', kind: 'string', description: 'S3 region' },
  {
    field: 's3.credentials.accessKeyId',
    env: 'CHASSIS_S3_ACCESS_KEY_ID',
    kind: 'string',
    description: 'S3 access key id',
  },
  {
    field: 's3.credentials.secretAccessKey',
    env: 'CHASSIS_S3_SECRET_ACCESS_KEY',
    kind: 'string',
    description: 'S3 secret key',
  },
  {
    field: 'verifyLock',
    flag: '--verify-lock',
    env: 'CHASSIS_VERIFY_LOCK',
    kind: 'string',
    description: 'install lock to verify',
  },
];

type Env = Readonly<Record<string, string | undefined>>;
/** Parsed flags: name without dashes → value(s). */
export type Flags = Readonly<Record<string, string | readonly string[] | undefined>>;

function convert(kind: OverlaySetting['kind'], raw: string | readonly string[]): unknown {
  const text = typeof raw === 'string' ? [raw] : raw;
  if (kind === 'list')
    return text
      .flatMap((t) => t.split(','))
      .map((t) => t.trim())
      .filter(Boolean);
  const last = text[text.length - 1] ?? '';
  // A non-integer stays a string so that validation reports it with its origin.
  if (kind === 'integer') return /^-?\d+$/.test(last.trim()) ? Number(last) : last;
  return last;
}

function setPath(target: Record<string, unknown>, field: string, value: unknown): void {
  const keys = field.split('.');
  let at = target;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys[keys.length - 1] as string] = value;
}

/**
 * Applies flags and environment onto a copy of the file's data. Returns the data and, for each
 * field set here, where it came from (`--admin-port`, `CHASSIS_ADMIN_PORT`), so that a problem
 * names its real origin.
 */
export function applyOverlay(
  data: Record<string, unknown>,
  flags: Flags,
  env: Env,
): { data: Record<string, unknown>; origins: Map<string, string> } {
  const out = structuredClone(data);
  const origins = new Map<string, string>();
  for (const s of OVERLAY) {
    const flag = s.flag ? flags[s.flag.slice(2)] : undefined;
    const fromEnv = s.env ? env[s.env] : undefined;
    const raw =
      flag !== undefined ? flag : fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
    if (raw === undefined) continue;
    setPath(out, s.field, convert(s.kind, raw));
    origins.set(s.field, flag !== undefined ? (s.flag as string) : (s.env as string));
  }
  return { data: out, origins };
}
