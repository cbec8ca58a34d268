import { createInterface } from 'node:readline';
import { ChassisError, serializeError } from '@chassis/kernel/errors';
import type { DevCallAnswer } from './dev-control.js';

/**
 * The argument list of `chassis dev call <operation> [json]`: none without `json`; a JSON array
 * is the list itself, any other JSON value the one argument (`'"host-1"'`, `'{"sizeBytes":1}'`).
 * An operation taking one array argument therefore needs it wrapped: `'[["dhcp"]]'`. Pure.
 */
export function parseCallArgs(json: string | undefined): unknown[] {
  if (json === undefined || json.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new ChassisError(
      'CHASSIS_E_CLI_USAGE',
      `The arguments must be JSON (an array is the argument list, any other value the one argument): ${(err as Error).message}`,
      { details: { json } },
    );
  }
  return Array.isArray(value) ? value : [value];
}

/** One answer as `chassis dev call` and the prompt print it. */
export function renderAnswer(a: DevCallAnswer): string {
  const head = `${a.ok ? '→' : '✗'} ${a.driver}@${a.version} ${a.operation} on ${a.resource} (${a.durationMs} ms)`;
  if (!a.ok) return `${head}\n${a.error?.code}: ${a.error?.message}`;
  return `${head}\n${a.result === undefined ? '(no result)' : JSON.stringify(a.result, null, 2)}`;
}

/** What the prompt drives. */
export interface PromptTarget {
  call(operation: string, args: readonly unknown[]): Promise<DevCallAnswer>;
  rebuild(): Promise<void>;
  version(): string;
}

const HELP = `  <operation> [json]   call an operation (json: argument array, or the one argument)
  rebuild              build, pack and swap now
  status               the version serving the resource
  exit                 stop the dev server (also Ctrl-D, Ctrl-C)`;

/**
 * The interactive prompt of `chassis dev` on a terminal: each line calls an operation (or
 * `rebuild`, `status`, `help`, `exit`). Resolves when the user leaves (exit, Ctrl-D, Ctrl-C).
 */
export function runPrompt(
  target: PromptTarget,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<void> {
  const rl = createInterface({ input, output, prompt: 'dev> ' });
  const say = (s: string) => output.write(`${s}\n`);
  say('Type an operation to call it ("help" lists the commands).');
  rl.prompt();
  return new Promise((resolve) => {
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => resolve());
    rl.on('line', (line) => {
      const text = line.trim();
      const space = text.search(/\s/);
      const word = space < 0 ? text : text.slice(0, space);
      const rest = space < 0 ? undefined : text.slice(space + 1);
      const next = async () => {
        if (word === '') return;
        if (word === 'exit' || word === 'quit') return rl.close();
        if (word === 'help') return say(HELP);
        if (word === 'status') return say(`serving ${target.version()}`);
        if (word === 'rebuild') return target.rebuild();
        say(renderAnswer(await target.call(word, parseCallArgs(rest))));
      };
      rl.pause();
      next()
        .catch((err: unknown) => {
          const e = serializeError(err);
          say(`${e.code}: ${e.message}`);
        })
        .finally(() => {
          rl.resume();
          rl.prompt();
        });
    });
  });
}
