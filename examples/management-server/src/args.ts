import { parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel } from './print-logger.js';

/** What the command line asked for. */
export interface CliOptions {
  /** `demo` runs the scripted scenario and exits; `serve` keeps the server up until a signal. */
  readonly mode: 'demo' | 'serve' | 'help';
  readonly dataDir?: string;
  readonly repositoryDir?: string;
  /** Admin HTTP port (`serve` only); absent: no admin server. */
  readonly adminPort?: number;
  readonly logLevel?: LogLevel;
}

/** The usage text. */
export const USAGE = `Usage: node dist/main.js [demo|serve] [options]

  demo (default)         start on a fresh data directory, run the scripted scenario, stop
  serve                  start (keeping the data directory) and run until SIGINT/SIGTERM

Options:
  --data-dir <dir>       state, CAR cache and secret key (default .chassis/demo-data;
                         the demo deletes it first)   [env CHASSIS_DATA_DIR]
  --repository <dir>     folder of CARs installed at start (default dist/repository)
                                                      [env CHASSIS_REPOSITORY]
  --admin-port <port>    serve the admin HTTP API and web UI on 127.0.0.1:<port> (serve only)
  --log-level <level>    debug | info | warn | error (default warn; info shows driver logs)
  -h, --help             this text`;

/** A command-line mistake: the message says what to fix. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses the command line (without `node` and the script) and the environment. */
export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): CliOptions {
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
  let adminPort: number | undefined;
  if (values['admin-port'] !== undefined) {
    adminPort = Number(values['admin-port']);
    if (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65535)
      throw new UsageError(
        `--admin-port must be a port number (0-65535), not "${values['admin-port']}"`,
      );
    if (mode !== 'serve') throw new UsageError('--admin-port needs the serve mode');
  }
  const level = values['log-level'];
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${level}"`);
  const dataDir = values['data-dir'] ?? env.CHASSIS_DATA_DIR;
  const repositoryDir = values.repository ?? env.CHASSIS_REPOSITORY;
  return {
    mode,
    ...(dataDir ? { dataDir } : {}),
    ...(repositoryDir ? { repositoryDir } : {}),
    ...(adminPort !== undefined ? { adminPort } : {}),
    ...(level ? { logLevel: level as LogLevel } : {}),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      repository: { type: 'string' },
      'admin-port': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
