import { parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel } from './print-logger.js';

/** What the command line asked for. */
export interface CliOptions {
  /** `demo` runs the scripted scenario and exits; `serve` keeps the server up until a signal. */
  readonly mode: 'demo' | 'serve' | 'help';
  readonly dataDir?: string;
  /** Kernel configuration file (YAML or JSON): category ranks, timeouts, isolation, executor. */
  readonly configFile?: string;
  readonly repositoryDir?: string;
  /** Admin HTTP port (`serve` only); absent: no admin server. */
  readonly adminPort?: number;
  /** Extra admin API tokens and their role (`serve` only), besides the generated admin token. */
  readonly adminTokens?: readonly { readonly token: string; readonly role: AdminRole }[];
  readonly logLevel?: LogLevel;
  /** TUF repository (URL or folder) that installs and upgrades by id come from (`serve` only). */
  readonly tufRepository?: string;
  /** The operator's trusted `root.json` of {@link tufRepository}. */
  readonly trustedRoot?: string;
  /** Seconds between periodic update checks (`serve` with a TUF repository). */
  readonly updateIntervalSeconds?: number;
  /** Project CA certificate (PEM file): CARs must be signed by a vendor it issued. */
  readonly ca?: string;
  /** Signed revocation list (JSON file) of that CA. */
  readonly revocations?: string;
  /** Driver ids the operator explicitly allows unsigned. */
  readonly allowUnsigned?: readonly string[];
  /** Install lock the installed set must match before the server serves. */
  readonly verifyLock?: string;
}

/** The usage text. */
export const USAGE = `Usage: node dist/main.js [demo|serve] [options]

  demo (default)         start on a fresh data directory, run the scripted scenario, stop
  serve                  start (keeping the data directory) and run until SIGINT/SIGTERM

Options:
  --data-dir <dir>       state, CAR cache, secret key and chassis.lock (default
                         .chassis/demo-data; the demo deletes it first)   [env CHASSIS_DATA_DIR]
  --config <file>        kernel configuration, YAML or JSON (category ranks, lifecycle
                         timeouts, isolation tiers per driver, executor limits) [env CHASSIS_CONFIG]
  --repository <dir>     folder of CARs installed at start (default dist/repository, none
                         with --tuf-repository)                           [env CHASSIS_REPOSITORY]
  --admin-port <port>    serve the admin HTTP API and web UI on 127.0.0.1:<port> (serve only)
  --admin-token <token>=<role>  another admin API token with role admin | operator | viewer
                         (repeatable; at least 16 characters)  [env CHASSIS_ADMIN_TOKENS, comma-separated]
  --log-level <level>    debug | info | warn | error (default warn; info shows driver logs)

Repository and trust:
  --tuf-repository <url|dir>  signed (TUF) repository that installs and upgrades by driver id
                         come from, and update checks look at (serve only)
                                                                  [env CHASSIS_TUF_REPOSITORY]
  --trusted-root <file>  the repository's root.json, obtained out of band (required with
                         --tuf-repository)                          [env CHASSIS_TRUSTED_ROOT]
  --update-interval <s>  check the repository for updates every <s> seconds (serve only)
                                                                 [env CHASSIS_UPDATE_INTERVAL]
  --ca <ca.pem>          require CARs signed by a vendor certificate of this project CA
                                                                             [env CHASSIS_CA]
  --revocations <file>   the CA's signed revocation list (with --ca)  [env CHASSIS_REVOCATIONS]
  --allow-unsigned <id,...>  driver ids allowed unsigned (default without --ca: the three
                         example drivers, whose CARs are unsigned)  [env CHASSIS_ALLOW_UNSIGNED]
  --verify-lock <file>   refuse to serve (exit 1, CHASSIS_E_LOCK_MISMATCH) unless the
                         installed drivers match this install lock   [env CHASSIS_VERIFY_LOCK]
  -h, --help             this text`;

/** Roles of the admin API's default role-based authorization. */
export const ADMIN_ROLES = ['admin', 'operator', 'viewer'] as const;

/** One admin API role. */
export type AdminRole = (typeof ADMIN_ROLES)[number];

function parseTokenSpec(spec: string): { token: string; role: AdminRole } {
  const at = spec.lastIndexOf('=');
  const token = spec.slice(0, at).trim();
  const role = spec.slice(at + 1).trim();
  if (at < 0 || !(ADMIN_ROLES as readonly string[]).includes(role))
    throw new UsageError(
      `--admin-token must be <token>=<role> with role ${ADMIN_ROLES.join(' | ')}, not "${spec.replace(/^.*=/, '…=')}"`,
    );
  if (token.length < 16)
    throw new UsageError('--admin-token tokens must be at least 16 characters long');
  return { token, role: role as AdminRole };
}

/** A command-line mistake: the message says what to fix. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the command line (without `node` and the script) and the environment. */
export function parseCli(argv: readonly string[], env: Env = {}): CliOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { mode: 'help' };
  if (positionals.length > 1)
    throw new UsageError(`Unexpected arguments: ${positionals.slice(1).join(' ')}`);
  const mode = positionals[0] ?? 'demo';
  if (mode !== 'demo' && mode !== 'serve')
    throw new UsageError(`Unknown mode "${mode}": use demo or serve`);
  const serveOnly = (flag: string) => {
    if (mode !== 'serve') throw new UsageError(`${flag} needs the serve mode`);
  };
  let adminPort: number | undefined;
  if (values['admin-port'] !== undefined) {
    adminPort = Number(values['admin-port']);
    if (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65535)
      throw new UsageError(
        `--admin-port must be a port number (0-65535), not "${values['admin-port']}"`,
      );
    serveOnly('--admin-port');
  }
  const tokenSpecs =
    values['admin-token'] ??
    (env.CHASSIS_ADMIN_TOKENS ? env.CHASSIS_ADMIN_TOKENS.split(',') : undefined);
  const adminTokens = tokenSpecs?.map(parseTokenSpec);
  if (adminTokens) {
    serveOnly('--admin-token');
    if (adminPort === undefined) throw new UsageError('--admin-token needs --admin-port');
  }
  const level = values['log-level'];
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${level}"`);
  const dataDir = values['data-dir'] ?? env.CHASSIS_DATA_DIR;
  const repositoryDir = values.repository ?? env.CHASSIS_REPOSITORY;
  const configFile = values.config ?? env.CHASSIS_CONFIG;
  return {
    mode,
    ...(dataDir ? { dataDir } : {}),
    ...(configFile ? { configFile } : {}),
    ...(repositoryDir ? { repositoryDir } : {}),
    ...(adminPort !== undefined ? { adminPort } : {}),
    ...(adminTokens ? { adminTokens } : {}),
    ...(level ? { logLevel: level as LogLevel } : {}),
    ...parseTrust(values, env, serveOnly),
  };
}

/** The repository and trust options, checked together (each needs its partner). */
function parseTrust(
  values: ReturnType<typeof parse>['values'],
  env: Env,
  serveOnly: (flag: string) => void,
): Partial<CliOptions> {
  const tufRepository = values['tuf-repository'] ?? env.CHASSIS_TUF_REPOSITORY;
  const trustedRoot = values['trusted-root'] ?? env.CHASSIS_TRUSTED_ROOT;
  const interval = values['update-interval'] ?? env.CHASSIS_UPDATE_INTERVAL;
  const ca = values.ca ?? env.CHASSIS_CA;
  const revocations = values.revocations ?? env.CHASSIS_REVOCATIONS;
  const verifyLock = values['verify-lock'] ?? env.CHASSIS_VERIFY_LOCK;
  const unsigned =
    values['allow-unsigned'] ??
    (env.CHASSIS_ALLOW_UNSIGNED ? [env.CHASSIS_ALLOW_UNSIGNED] : undefined);
  if (tufRepository) {
    serveOnly('--tuf-repository');
    if (!trustedRoot)
      throw new UsageError(
        '--tuf-repository needs --trusted-root <root.json> (the repository root you trust)',
      );
  } else if (trustedRoot) {
    throw new UsageError('--trusted-root needs --tuf-repository');
  }
  let updateIntervalSeconds: number | undefined;
  if (interval !== undefined) {
    updateIntervalSeconds = Number(interval);
    if (!Number.isFinite(updateIntervalSeconds) || updateIntervalSeconds < 1)
      throw new UsageError(`--update-interval must be a number of seconds ≥ 1, not "${interval}"`);
    if (!tufRepository) throw new UsageError('--update-interval needs --tuf-repository');
  }
  if (revocations && !ca) throw new UsageError('--revocations needs --ca');
  const allowUnsigned = unsigned
    ?.flatMap((v) => v.split(','))
    .map((id) => id.trim())
    .filter(Boolean);
  if (unsigned && allowUnsigned?.length === 0)
    throw new UsageError('--allow-unsigned needs driver ids (id,id,...)');
  return {
    ...(tufRepository ? { tufRepository } : {}),
    ...(trustedRoot ? { trustedRoot } : {}),
    ...(updateIntervalSeconds !== undefined ? { updateIntervalSeconds } : {}),
    ...(ca ? { ca } : {}),
    ...(revocations ? { revocations } : {}),
    ...(allowUnsigned ? { allowUnsigned } : {}),
    ...(verifyLock ? { verifyLock } : {}),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      repository: { type: 'string' },
      'admin-port': { type: 'string' },
      'admin-token': { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      'tuf-repository': { type: 'string' },
      'trusted-root': { type: 'string' },
      'update-interval': { type: 'string' },
      ca: { type: 'string' },
      revocations: { type: 'string' },
      'allow-unsigned': { type: 'string', multiple: true },
      'verify-lock': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
