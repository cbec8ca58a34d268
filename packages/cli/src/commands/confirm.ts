import { createInterface } from 'node:readline/promises';
import { ChassisError } from '@chassis/kernel/errors';

/** Whether both ends are a terminal (never in CI, pipes or tests). */
export function interactive(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true;
}

/**
 * Asks `question` on the terminal and resolves true only for "y"/"yes". Without a terminal
 * there is nobody to ask: the caller must pass `--yes`, so this throws a usage error (exit 2)
 * saying so instead of applying a change nobody confirmed.
 */
export async function confirm(question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!interactive()) {
    throw new ChassisError(
      'CHASSIS_E_CLI_USAGE',
      'Not a terminal, so nobody can confirm: pass --yes to apply without asking.',
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
