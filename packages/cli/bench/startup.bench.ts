import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { fmtMs, report, timeOnce } from '../../../bench/compare.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const RUNS = 5;

/** Median wall time of `node <args>` over {@link RUNS} sequential runs (a process each). */
async function median(args: readonly string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    times.push((await timeOnce(() => run(process.execPath, [...args], { cwd: CLI }))).ms);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

describe('chassis startup (run `pnpm turbo run build --filter=@chassis/cli...` first)', () => {
  it('light commands do not pay for @chassis/repository and @chassis/car', async () => {
    const floor = await median(['-e', '0']);
    // What every invocation paid when the command modules imported the heavy packages eagerly.
    const eager = await median([
      '--input-type=module',
      '-e',
      "import 'reflect-metadata'; await import('@chassis/repository'); await import('@chassis/car');",
    ]);
    const cases: [string, string[]][] = [
      ['chassis --version', ['--version']],
      ['chassis drivers --help', ['drivers', '--help']],
      ['chassis ca revoke --help', ['ca', 'revoke', '--help']],
    ];
    const rows: [string, string][] = [
      ['node -e 0 (floor)', fmtMs(floor)],
      ['import repository + car (old eager cost)', fmtMs(eager)],
    ];
    let version = 0;
    for (const [name, args] of cases) {
      const ms = await median([BIN, ...args]);
      if (name === 'chassis --version') version = ms;
      rows.push([name, `${fmtMs(ms)} (${(ms / eager).toFixed(2)}× the eager import)`]);
    }
    const met = version <= eager * 0.25;
    rows.push(['target', `--version ≤ 0.25× the eager import${met ? '  (met)' : '  (NOT met)'}`]);
    report(`chassis startup, median of ${RUNS} processes each`, rows);
  }, 300_000);
});
