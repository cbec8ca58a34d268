import { createInterface } from 'node:readline/promises';

/** What `car init` needs that the command line may leave out. */
export interface InitAnswers {
  id?: string;
  category?: 'network' | 'storage' | 'hypervisor';
  point?: string;
}

const CATEGORIES = ['network', 'storage', 'hypervisor'] as const;
const POINTS = { network: 'network.device', storage: 'storage.primary', hypervisor: 'hypervisor' };

/** Whether `car init` may ask: both ends are a terminal (never in CI, pipes or tests). */
export function canPrompt(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true;
}

/**
 * Asks on the terminal for the id, category and extension point the flags did not give; an
 * answer outside the choices is asked again (at most 5 times, then the flag is required).
 */
export async function promptInit(given: InitAnswers): Promise<InitAnswers> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const ask = async (q: string, ok: (a: string) => boolean, fallback?: string) => {
      for (let i = 0; i < 5; i++) {
        const a = (await rl.question(q)).trim() || (fallback ?? '');
        if (ok(a)) return a;
      }
      throw new Error(`no valid answer to "${q.trim()}"; pass it as a flag`);
    };
    const id =
      given.id ??
      (await ask('Driver id (reverse DNS, e.g. com.example.flashy): ', (a) =>
        /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/.test(a),
      ));
    const category = (given.category ??
      (await ask(`Category (${CATEGORIES.join(' | ')}): `, (a) =>
        (CATEGORIES as readonly string[]).includes(a),
      ))) as InitAnswers['category'] & string;
    const point =
      given.point ??
      (await ask(`Extension point [${POINTS[category]}]: `, (a) => a !== '', POINTS[category]));
    return { id, category, point };
  } finally {
    rl.close();
  }
}
