import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ChassisError, type KernelConfig, validateKernelConfig } from '@chassis/kernel';
import { Ajv, type ErrorObject } from 'ajv';
import yaml from 'js-yaml';
import { applyOverlay, type Flags } from './overlay.js';
import { type S3Config, type ServerConfigFile, ServerConfigSchema } from './schema.js';

/** One configuration problem: where it is (file, flag or variable), which field, what to do. */
export interface ConfigProblem {
  /** The configuration file, or the flag / environment variable that set the field. */
  readonly source: string;
  /** Dotted field path (`admin.port`, `admin.tokens.0.role`); empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** The validated configuration with paths resolved and defaults filled in. */
export interface ServerSettings {
  /** The file read, if any. */
  readonly configFile: string | undefined;
  readonly dataDir: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly sources: readonly string[];
  readonly s3: S3Config | undefined;
  readonly repository:
    | {
        readonly url: string;
        readonly trustedRoot: string;
        readonly updateIntervalSeconds?: number;
      }
    | undefined;
  readonly trust: {
    readonly ca?: string;
    readonly revocations?: string;
    readonly allowUnsigned?: readonly string[];
  };
  readonly admin:
    | {
        readonly port: number;
        readonly host: string;
        readonly tokens: readonly { readonly token: string; readonly role: string }[];
      }
    | undefined;
  readonly kernel: KernelConfig;
  readonly verifyLock: string | undefined;
  /** The state store (absent: the data directory). */
  readonly state?: StateSettings;
  /** Cluster mode (with `state.kind: postgres`). */
  readonly cluster?: ClusterSettings;
}

/** Where to read the configuration from. */
/** Where durable state lives. */
export type StateSettings =
  | { readonly kind: 'directory' }
  | { readonly kind: 'postgres'; readonly url?: string; readonly schema?: string };

/** The `cluster` block, with the secret read from its file. */
export interface ClusterSettings {
  readonly memberId?: string;
  readonly secret: string;
  readonly leaseTtlMs?: number;
  readonly ownerWaitMs?: number;
  readonly forward?: 'forward' | 'refuse';
  readonly channel?: { readonly host?: string; readonly port?: number };
  /**
   * Cluster-wide upgrades: the request bound, the leader's failover timing (member watch
   * period, wait for a new owner) and the retention of finished rollouts.
   */
  readonly rollout?: {
    readonly requestTimeoutMs?: number;
    readonly watchMs?: number;
    readonly ownerWaitMs?: number;
    readonly retention?: {
      readonly keepPerDriver?: number;
      readonly maxAgeMs?: number;
      readonly requestGraceMs?: number;
      readonly pruneEveryMs?: number;
    };
  };
}

export interface LoadOptions {
  /** `--config` wins over `CHASSIS_SERVER_CONFIG`; neither: flags and environment only. */
  readonly flags?: Flags;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths given by flags and variables (default `process.cwd()`). */
  readonly cwd?: string;
}

let compiled: ReturnType<Ajv['compile']> | undefined;
function validator() {
  compiled ??= new Ajv({ allErrors: true, strict: true, verbose: true }).compile(
    ServerConfigSchema,
  );
  return compiled;
}

/** The cluster member's default lease TTL (`cluster.leaseTtlMs`), for the partner-field check. */
const DEFAULT_LEASE_TTL_MS = 10_000;

const dotted = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');

/** The message of one schema error, saying what to do. */
function describe(e: ErrorObject): { path: string; message: string } {
  const at = dotted(e.instancePath);
  const join = (k: string) => (at ? `${at}.${k}` : k);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const known = Object.keys(
        (e.parentSchema as { properties?: Record<string, unknown> }).properties ?? {},
      );
      return {
        path: join(String(p.additionalProperty)),
        message: `unknown field: remove it or fix its spelling (known here: ${known.join(', ')})`,
      };
    }
    case 'required':
      return { path: join(String(p.missingProperty)), message: 'is required: add it' };
    case 'enum':
      return {
        path: at,
        message: `must be one of ${(p.allowedValues as string[]).join(', ')}`,
      };
    case 'type':
      return { path: at, message: `must be a ${String(p.type)}: change its value` };
    case 'minimum':
    case 'maximum':
      return { path: at, message: `must be ${String(p.comparison)} ${String(p.limit)}` };
    case 'minLength':
      return { path: at, message: `must be at least ${String(p.limit)} characters long` };
    case 'pattern':
      return { path: at, message: `must match ${String(p.pattern)} (e.g. http://host:9000)` };
    default:
      return { path: at, message: e.message ?? 'is invalid' };
  }
}

/** Which origin (file, flag, variable) set the field at `path` (the longest matching prefix). */
function originOf(path: string, origins: Map<string, string>, file: string): string {
  for (const [field, origin] of origins)
    if (path === field || path.startsWith(`${field}.`)) return origin;
  return file;
}

async function readData(
  file: string | undefined,
  problems: ConfigProblem[],
): Promise<Record<string, unknown>> {
  if (!file) return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    problems.push({
      source: file,
      path: '',
      message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}): check --config / CHASSIS_SERVER_CONFIG`,
    });
    return {};
  }
  let data: unknown;
  try {
    data = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA });
  } catch (err) {
    problems.push({
      source: file,
      path: '',
      message: `is not valid YAML: ${(err as Error).message}`,
    });
    return {};
  }
  if (data === undefined || data === null) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ source: file, path: '', message: 'must be a YAML mapping (field: value)' });
    return {};
  }
  return data as Record<string, unknown>;
}

/**
 * Reads the configuration file (if any), applies flags and environment, and validates the whole
 * against {@link ServerConfigSchema} plus the rules a schema cannot say (partner fields, files
 * that must exist, the kernel section). Every problem is collected before anything is thrown:
 * `CHASSIS_E_SERVER_CONFIG_INVALID` with `details.problems` lists them all.
 */
export async function loadServerConfig(options: LoadOptions = {}): Promise<ServerSettings> {
  const flags = options.flags ?? {};
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const given = (flags.config as string | undefined) ?? env.CHASSIS_SERVER_CONFIG;
  const file = given ? resolve(cwd, given) : undefined;
  const label = file ?? '(no configuration file)';
  const problems: ConfigProblem[] = [];
  const { data, origins } = applyOverlay(await readData(file, problems), flags, env);
  const check = validator();
  if (!check(data)) {
    for (const e of check.errors ?? []) {
      const d = describe(e);
      problems.push({ source: originOf(d.path, origins, label), ...d });
    }
  }
  const cfg = data as ServerConfigFile;
  // Paths from the file are relative to the file; from flags and variables, to the cwd.
  const abs = (field: string, p: string | undefined) =>
    p === undefined || isAbsolute(p)
      ? p
      : resolve(origins.has(field) || !file ? cwd : dirname(file), p);
  const problem = (path: string, message: string) =>
    problems.push({ source: originOf(path, origins, label), path, message });

  let kernel: KernelConfig = validateKernelConfig({});
  try {
    kernel = validateKernelConfig(cfg.kernel ?? {}, file);
  } catch (err) {
    const violations = ((err as ChassisError).details?.violations ?? []) as {
      path: string;
      message: string;
    }[];
    for (const v of violations)
      problem(
        `kernel${v.path ? `.${v.path.replace(/^\//, '').replace(/\//g, '.')}` : ''}`,
        v.message,
      );
  }
  if (cfg.trust?.revocations && !cfg.trust.ca)
    problem('trust.revocations', 'needs trust.ca (the CA that signed the list): add it');

  const mustExist: [string, string | undefined][] = [
    ['trust.ca', abs('trust.ca', cfg.trust?.ca)],
    ['trust.revocations', abs('trust.revocations', cfg.trust?.revocations)],
    ['repository.trustedRoot', abs('repository.trustedRoot', cfg.repository?.trustedRoot)],
    ['verifyLock', abs('verifyLock', cfg.verifyLock)],
  ];
  const tokens: { token: string; role: string }[] = [];
  for (const [i, t] of (cfg.admin?.tokens ?? []).entries()) {
    const at = `admin.tokens.${i}`;
    if ((t.token === undefined) === (t.tokenFile === undefined)) {
      problem(at, 'give exactly one of token and tokenFile');
      continue;
    }
    if (t.token) tokens.push({ token: t.token, role: t.role });
    else mustExist.push([`${at}.tokenFile`, abs(`${at}.tokenFile`, t.tokenFile)]);
  }
  for (const [path, p] of mustExist) {
    if (p === undefined || typeof p !== 'string') continue;
    try {
      await stat(p);
    } catch (err) {
      problem(path, `${p} cannot be read (${(err as NodeJS.ErrnoException).code}): fix the path`);
    }
  }
  for (const [i, t] of (cfg.admin?.tokens ?? []).entries()) {
    if (!t.tokenFile || t.token) continue;
    const p = abs(`admin.tokens.${i}.tokenFile`, t.tokenFile) as string;
    const token = (await readFile(p, 'utf8').catch(() => '')).split('\n')[0]?.trim() ?? '';
    if (token.length >= 16) tokens.push({ token, role: t.role });
    else if (token !== '' || problems.every((x) => x.path !== `admin.tokens.${i}.tokenFile`))
      problem(`admin.tokens.${i}.tokenFile`, `${p} must hold a token of at least 16 characters`);
  }

  if (cfg.state?.kind === 'postgres' && !cfg.cluster)
    problem(
      'cluster',
      'is required with state.kind postgres (this server is a cluster member): add it',
    );
  if (cfg.cluster && cfg.state?.kind !== 'postgres')
    problem('state.kind', 'must be postgres when cluster is set (members share one PostgreSQL)');
  if (cfg.state?.kind !== 'postgres' && (cfg.state?.url || cfg.state?.schema))
    problem('state.url', 'is only used with state.kind postgres: remove it or set the kind');
  // A type error on either field is reported by the schema already.
  const rolloutOwnerWait = cfg.cluster?.rollout?.ownerWaitMs;
  const ttl = cfg.cluster?.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  if (typeof rolloutOwnerWait === 'number' && typeof ttl === 'number' && rolloutOwnerWait <= ttl)
    problem(
      'cluster.rollout.ownerWaitMs',
      `must be greater than cluster.leaseTtlMs (${ttl}): a resource gets a new owner only after its old owner's lease expired, so a shorter wait fails every rollout an owner leaves`,
    );
  let clusterSecret = '';
  if (cfg.cluster?.secretFile) {
    const p = abs('cluster.secretFile', cfg.cluster.secretFile) as string;
    try {
      clusterSecret = (await readFile(p, 'utf8')).split('\n')[0]?.trim() ?? '';
      if (clusterSecret.length < 32)
        problem('cluster.secretFile', `${p} must hold a secret of at least 32 characters`);
    } catch (err) {
      problem(
        'cluster.secretFile',
        `${p} cannot be read (${(err as NodeJS.ErrnoException).code}): fix the path`,
      );
    }
  }

  if (problems.length > 0) {
    throw new ChassisError(
      'CHASSIS_E_SERVER_CONFIG_INVALID',
      `The server configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems
        .map((p) => `  ${p.source}: ${p.path || '(file)'}: ${p.message}`)
        .join('\n')}`,
      { details: { file: file ?? null, problems } },
    );
  }
  const sourceOf = (s: string) =>
    /^[a-z][a-z0-9+.-]*:/i.test(s) ? s : (abs('sources', s) as string);
  return {
    configFile: file,
    dataDir: abs('dataDir', cfg.dataDir) ?? resolve(cwd, 'chassis-data'),
    logLevel: cfg.logLevel ?? 'warn',
    sources: (cfg.sources ?? []).map(sourceOf),
    s3: cfg.s3,
    repository: cfg.repository
      ? {
          ...cfg.repository,
          url: sourceOf(cfg.repository.url),
          trustedRoot: abs('repository.trustedRoot', cfg.repository.trustedRoot) as string,
        }
      : undefined,
    trust: {
      ...(cfg.trust?.ca ? { ca: abs('trust.ca', cfg.trust.ca) as string } : {}),
      ...(cfg.trust?.revocations
        ? { revocations: abs('trust.revocations', cfg.trust.revocations) as string }
        : {}),
      ...(cfg.trust?.allowUnsigned ? { allowUnsigned: cfg.trust.allowUnsigned } : {}),
    },
    admin: cfg.admin
      ? { port: cfg.admin.port, host: cfg.admin.host ?? '127.0.0.1', tokens }
      : undefined,
    kernel,
    verifyLock: abs('verifyLock', cfg.verifyLock),
    state:
      cfg.state?.kind === 'postgres'
        ? {
            kind: 'postgres',
            ...(cfg.state.url ? { url: cfg.state.url } : {}),
            ...(cfg.state.schema ? { schema: cfg.state.schema } : {}),
          }
        : { kind: 'directory' },
    ...(cfg.cluster
      ? {
          cluster: {
            secret: clusterSecret,
            ...(cfg.cluster.memberId ? { memberId: cfg.cluster.memberId } : {}),
            ...(cfg.cluster.leaseTtlMs ? { leaseTtlMs: cfg.cluster.leaseTtlMs } : {}),
            ...(cfg.cluster.ownerWaitMs !== undefined
              ? { ownerWaitMs: cfg.cluster.ownerWaitMs }
              : {}),
            ...(cfg.cluster.forward ? { forward: cfg.cluster.forward } : {}),
            ...(cfg.cluster.channel ? { channel: cfg.cluster.channel } : {}),
            ...(cfg.cluster.rollout ? { rollout: cfg.cluster.rollout } : {}),
          },
        }
      : {}),
  };
}
