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

/** What {@link alternate} measured: per-round ratios and their median. */
export interface AlternateResult {
  /** Median time of one baseline / candidate op over the rounds (ms). */
  readonly baselineMs: number;
  readonly candidateMs: number;
  /** candidate / baseline of each round, in round order. */
  readonly ratios: readonly number[];
  /** The median of {@link ratios}: what the target is judged on. */
  readonly ratio: number;
}

/**
 * Measures a candidate against its baseline in alternating batches (baseline, candidate,
 * baseline…) and takes the median of the per-round ratios. On a shared machine the load swings
 * within seconds; two long back-to-back runs compare two different machines, while a round of
 * two short batches sees one. `batch` ops run one after another (each awaited).
 */
export async function alternate(c: {
  readonly title: string;
  readonly baseline: BenchCase;
  readonly candidate: BenchCase;
  readonly target: string;
  readonly meets: (ratio: number) => boolean;
  readonly rounds?: number;
  readonly batch?: number;
}): Promise<AlternateResult> {
  const rounds = c.rounds ?? 25;
  const batch = c.batch ?? 200;
  const time = async (fn: BenchCase['fn']) => {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await fn();
    return (performance.now() - t0) / batch;
  };
  await time(c.baseline.fn); // warm-up of both sides
  await time(c.candidate.fn);
  const base: number[] = [];
  const cand: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const b = await time(c.baseline.fn);
    const x = await time(c.candidate.fn);
    base.push(b);
    cand.push(x);
    ratios.push(x / b);
  }
  const result = {
    baselineMs: median(base),
    candidateMs: median(cand),
    ratios,
    ratio: median(ratios),
  };
  report(c.title, [
    [c.baseline.name, fmtMs(result.baselineMs)],
    [c.candidate.name, fmtMs(result.candidateMs)],
    ['ratio (median of rounds)', `${result.ratio.toFixed(3)}×  (${rounds} rounds of ${batch})`],
    ['target', `${c.target}  (${c.meets(result.ratio) ? 'met' : 'NOT met'})`],
  ]);
  return result;
}

/** The median of `xs` (the upper one of an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
