import { resolve } from 'node:path';
import { ChassisError, serializeError } from '@chassis/kernel/errors';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { output } from './admin-client.js';
import { type DevCallAnswer, devRequest } from './dev-control.js';
import { parseCallArgs, renderAnswer, runPrompt } from './dev-prompt.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError('must be a port number (0 = any free port).');
  return n;
}

/** Options of `chassis dev`. */
interface DevCommandOptions {
  readonly dir: string;
  readonly properties?: string;
  readonly resource: string;
  readonly build?: string | false;
  readonly watch: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly adminPort?: number;
}

/**
 * Resolves on SIGINT/SIGTERM. `on`, not `once`, until disposed: the data-directory lock's
 * signal-exit handler re-raises the signal (killing the process before the clean stop) when it
 * finds itself the only listener left, which a fired `once` listener would make it.
 */
function signalled(): { promise: Promise<void>; dispose(): void } {
  let done!: () => void;
  const promise = new Promise<void>((r) => {
    done = r;
  });
  process.on('SIGINT', done);
  process.on('SIGTERM', done);
  return {
    promise,
    dispose() {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
    },
  };
}

/**
 * Registers `chassis dev` (run the driver project in a throwaway local server, rebuild and
 * hot-swap it on every change) and `chassis dev call <operation> [json]`.
 */
export function registerDevCommand(program: Command): void {
  const dev = program
    .command('dev')
    .description(
      'Run a driver project in a throwaway local server: build, load in its tier, create a resource from a properties file, stream logs, hot-swap every rebuild through the upgrade path',
    )
    .option('--dir <dir>', 'the driver project folder', '.')
    .option(
      '--properties <file>',
      "the resource's configuration, a JSON object validated against driver.yaml (default <dir>/dev.properties.json)",
    )
    .option('--resource <id>', 'id of the resource created from it', 'dev-1')
    .option('--build <command>', "build command (default: package.json's build script)")
    .option('--no-build', 'do not build: classes/ is already up to date')
    .option('--no-watch', 'do not rebuild and swap on changes')
    .addOption(
      new Option('--log-level <level>', 'lowest level of server and driver log lines')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('info'),
    )
    .option('--admin-port <port>', 'also serve the admin API and web UI on 127.0.0.1:<port>', port)
    .action(async (opts: DevCommandOptions, cmd: Command) => {
      const { out, err } = output(cmd);
      const print = (line: string) => out(`${line}\n`);
      const dir = resolve(opts.dir);
      const { startDevSession } = await import('./dev-session.js');
      const stop = signalled();
      let session: Awaited<ReturnType<typeof startDevSession>>;
      try {
        session = await startDevSession({
          dir,
          properties: resolve(dir, opts.properties ?? 'dev.properties.json'),
          resource: opts.resource,
          build: opts.build,
          watch: opts.watch,
          logLevel: opts.logLevel,
          adminPort: opts.adminPort,
          print,
        });
      } catch (e) {
        stop.dispose();
        const violations = (serializeError(e).details as { violations?: unknown[] } | undefined)
          ?.violations as { key: string; rule: string; message: string }[] | undefined;
        for (const v of violations ?? [])
          err(`  - ${v.key || '(configuration)'} [${v.rule}]: ${v.message}\n`);
        throw e;
      }
      const interactive =
        process.stdin.isTTY && process.stdout.isTTY && !cmd.optsWithGlobals().json;
      await (interactive
        ? Promise.race([runPrompt(session, process.stdin, process.stdout), stop.promise])
        : stop.promise);
      print('== Stop: the dev server stops and its temp folder is removed');
      try {
        await session.stop();
      } finally {
        stop.dispose();
      }
      print(`  removed ${session.tempDir}`);
      // The prompt's readline keeps stdin open; the command is over.
      if (interactive) process.stdin.pause();
    });

  dev
    .command('call <operation> [json]')
    .description(
      'Call an operation of the dev resource in the running chassis dev session of --dir (json: the argument array, or the one argument)',
    )
    .option('--json', 'print the whole answer as JSON')
    .action(async (operation: string, json: string | undefined, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals() as { dir?: string; json?: boolean };
      const dir = resolve(opts.dir ?? '.');
      const answer = await devRequest<DevCallAnswer>(dir, 'POST', '/call', {
        operation,
        args: parseCallArgs(json),
      });
      if (!answer.ok && answer.error) throw ChassisError.fromJSON(answer.error);
      const { out } = output(cmd);
      out(`${opts.json ? JSON.stringify(answer, null, 2) : renderAnswer(answer)}\n`);
    });
}
