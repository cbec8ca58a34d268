import { ChassisError, serializeError } from '@chassis/kernel/errors';
import { type Command, CommanderError } from 'commander';
import { createProgram } from './program.js';

/** Exit codes scripts can rely on. */
export const ExitCode = {
  ok: 0,
  /** A Chassis error: the typed code is printed on stderr. */
  failed: 1,
  /** Bad command line. */
  usage: 2,
} as const;

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code instead of
 * exiting, so tests can drive it in-process. Errors print `code: message` on stderr (or JSON
 * with `--json`).
 */
export async function runCli(
  argv: readonly string[],
  io: { stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream } = {},
): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  const program = createProgram();
  const output = {
    writeOut: (s: string) => (io.stdout ?? process.stdout).write(s),
    writeErr: (s: string) => stderr.write(s),
  };
  // Sub-commands copy these settings when they are created, which is before this point, so
  // every command of the tree gets them (otherwise a sub-command's usage error exits the process).
  const all = (cmd: Command): Command[] => [cmd, ...cmd.commands.flatMap(all)];
  for (const cmd of all(program)) cmd.exitOverride().configureOutput(output);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (argv.includes('--json')) {
      stderr.write(`${JSON.stringify({ error: serializeError(err) })}\n`);
    } else if (ChassisError.is(err)) {
      stderr.write(`${err.code}: ${err.message}\n`);
    } else {
      stderr.write(`CHASSIS_E_INTERNAL: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    return ExitCode.failed;
  }
}
