import { Bench } from 'tinybench';

/** One side of a comparison. */
export interface BenchCase {
  readonly name: string;
  readonly fn: () => unknown | Promise<unknown>;
}

/** A candidate measured against a baseline in the same run, with an optional target. */
export interface Comparison {
  readonly title: string;
  readonly baseline: BenchCase;
  readonly candidate: BenchCase;
  /** Human-readable target, e.g. "≤ +2 µs/op" or "≤ 1.3×". */
  readonly target?: string;
  /** Decides whether the target is met from the measured means (ms per op). */
  readonly meets?: (r: ComparisonResult) => boolean;
  readonly time?: number;
  readonly setup?: () => unknown | Promise<unknown>;
  readonly teardown?: () => unknown | Promise<unknown>;
}

/** What {@link compare} measured. */
export interface ComparisonResult {
  readonly baselineMs: number;
  readonly candidateMs: number;
  /** candidate mean / baseline mean. */
  readonly ratio: number;
  /** candidate mean − baseline mean, in microseconds. */
  readonly overheadUs: number;
}

/**
 * Measures both cases in one tinybench run and prints the ratio and the target. Benchmarks
 * report; they never fail a build on time (a busy CI machine is not a regression).
 */
export async function compare(c: Comparison): Promise<ComparisonResult> {
  await c.setup?.();
  const bench = new Bench({ time: c.time ?? 500, warmup: true });
  bench.add(c.baseline.name, c.baseline.fn).add(c.candidate.name, c.candidate.fn);
  await bench.run();
  await c.teardown?.();
  const mean = (name: string) => {
    const t = bench.getTask(name)?.result;
    if (!t || !('latency' in t)) throw new Error(`benchmark task "${name}" produced no result`);
    return t.latency.mean;
  };
  const baselineMs = mean(c.baseline.name);
  const candidateMs = mean(c.candidate.name);
  const result: ComparisonResult = {
    baselineMs,
    candidateMs,
    ratio: candidateMs / baselineMs,
    overheadUs: (candidateMs - baselineMs) * 1000,
  };
  report(c.title, [
    [c.baseline.name, fmtMs(baselineMs)],
    [c.candidate.name, fmtMs(candidateMs)],
    ['ratio', `${result.ratio.toFixed(2)}×`],
    ['overhead', `${result.overheadUs.toFixed(2)} µs/op`],
    ...(c.target
      ? [
          [
            'target',
            `${c.target}${c.meets ? (c.meets(result) ? '  (met)' : '  (NOT met)') : ''}`,
          ] as [string, string],
        ]
      : []),
  ]);
  return result;
}

/** Prints a small aligned table under a title. */
export function report(title: string, rows: ReadonlyArray<readonly [string, string]>): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n== ${title}`);
  for (const [k, v] of rows) console.log(`   ${k.padEnd(width)}  ${v}`);
}

/** Formats a duration in ms with a sensible unit. */
export function fmtMs(ms: number): string {
  if (ms < 0.001) return `${(ms * 1e6).toFixed(0)} ns`;
  if (ms < 1) return `${(ms * 1000).toFixed(2)} µs`;
  return `${ms.toFixed(2)} ms`;
}

/** Times one async function once (for whole-scenario numbers such as "start 200 CARs"). */
export async function timeOnce<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}
