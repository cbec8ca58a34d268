import { parseArgs } from 'node:util';
import { ChassisError, serializeError } from '@chassis/kernel';
import { loadServerConfig } from './config/load.js';
import { OVERLAY } from './config/overlay.js';
import { heading } from './format.js';
import { startServer } from './server.js';

/** `chassis-server --help`. */
export const SERVER_USAGE = `chassis-server [--config <file>] [options]
  Runs a Chassis management server until SIGINT/SIGTERM, then stops every driver in reverse
  start order. Configuration: one YAML file (see CONFIG.md), validated as a whole; every
  problem is printed at once (CHASSIS_E_SERVER_CONFIG_INVALID, exit 1).
  Precedence: flag, then environment variable, then the file, then the default.

  --config <file>          the configuration file           [env CHASSIS_SERVER_CONFIG]
  --check                  validate the configuration, print the result and exit
${OVERLAY.filter((s) => s.flag)
  .map(
    (s) =>
      `  ${`${s.flag} <value>`.padEnd(24)} ${`${s.field}: ${s.description}`.padEnd(32)}${s.env ? ` [env ${s.env}]` : ''}`,
  )
  .join('\n')}
  -h, --help               this text`;

function parse(argv: readonly string[]) {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
  > = {
    config: { type: 'string' },
    check: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const s of OVERLAY)
    if (s.flag) options[s.flag.slice(2)] = { type: 'string', multiple: s.kind === 'list' };
  return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
}

/**
 * The `chassis-server` command: 0 after a clean stop (or a good `--check`), 1 for an invalid
 * configuration or a failed start, 2 for a command-line mistake.
 */
export async function serverMain(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  print: (line: string) => void = (line) => console.log(line),
  until: () => Promise<void> = () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv.filter((a) => a !== '--')).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${SERVER_USAGE}`);
    return 2;
  }
  if (values.help) {
    print(SERVER_USAGE);
    return 0;
  }
  const flags = values as Record<string, string | string[] | undefined>;
  let settings: Awaited<ReturnType<typeof loadServerConfig>>;
  try {
    settings = await loadServerConfig({ flags, env });
  } catch (err) {
    if (!(err instanceof ChassisError)) throw err;
    console.error(`✗ ${err.code} ${err.message}`);
    return 1;
  }
  if (values.check) {
    print(`configuration OK${settings.configFile ? ` (${settings.configFile})` : ''}`);
    return 0;
  }
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer(settings, print);
  } catch (err) {
    const e = serializeError(err);
    console.error(`chassis-server failed to start: ${e.code} ${e.message}`);
    return 1;
  }
  print(`\nRunning with data in ${settings.dataDir} (install lock ${running.lockFile}).`);
  await until();
  print(heading('Stop (exact reverse of the start order)'));
  await running.stop();
  return 0;
}
