import {
  ChassisError,
  MAX_CAUSE_DEPTH,
  type SerializedError,
  serializeError,
} from '@chassis/kernel/errors';
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
  // Commander prints its own parse errors; an InvalidArgumentError thrown from an action is not
  // printed by it, so runCli prints it (otherwise a usage error exits 2 silently).
  let printedError = false;
  const output = {
    writeOut: (s: string) => (io.stdout ?? process.stdout).write(s),
    writeErr: (s: string) => {
      printedError = true;
      return stderr.write(s);
    },
  };
  // Sub-commands copy these settings when they are created, which is before this point, so
  // every command of the tree gets them (otherwise a sub-command's usage error exits the process).
  const all = (cmd: Command): Command[] => [cmd, ...cmd.commands.flatMap(all)];
  for (const cmd of all(program)) cmd.exitOverride().configureOutput(output);
  try {
    // `--debug` is global and may sit anywhere on the line; printError reads it from argv.
    await program.parseAsync(
      argv.filter((a) => a !== '--debug'),
      { from: 'user' },
    );
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return ExitCode.ok;
      if (!printedError) printError(stderr, argv, usageError(err.message));
      return ExitCode.usage;
    }
    printError(stderr, argv, err);
    return ChassisError.is(err) && err.code === 'CHASSIS_E_CLI_USAGE'
      ? ExitCode.usage
      : ExitCode.failed;
  }
}

/** A commander message ("error: …" prefix dropped) as the typed usage error. */
function usageError(message: string): ChassisError {
  return new ChassisError('CHASSIS_E_CLI_USAGE', message.replace(/^error:\s*/, ''));
}

/** Removes `stack` from a serialized error and its causes (kept only with `--debug`). */
function withoutStacks(e: SerializedError): SerializedError {
  const { stack: _stack, cause, ...rest } = e;
  return cause ? { ...rest, cause: withoutStacks(cause) } : rest;
}

/** `code: message` on stderr, or one JSON line with `--json`; stack traces only with `--debug`. */
function printError(stderr: NodeJS.WritableStream, argv: readonly string[], err: unknown): void {
  const debug = argv.includes('--debug');
  if (argv.includes('--json')) {
    const error = serializeError(err);
    stderr.write(`${JSON.stringify({ error: debug ? error : withoutStacks(error) })}\n`);
    return;
  }
  if (ChassisError.is(err)) {
    stderr.write(`${err.code}: ${err.message}\n`);
    // The typed causes, one line each (what failed underneath, e.g. a canary's health check).
    let cause: unknown = err.cause;
    for (let depth = 0; ChassisError.is(cause) && depth < MAX_CAUSE_DEPTH; depth++) {
      stderr.write(`  caused by ${cause.code}: ${cause.message}\n`);
      cause = cause.cause;
    }
  } else {
    stderr.write(`CHASSIS_E_INTERNAL: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  if (debug && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
}
