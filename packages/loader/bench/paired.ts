/** What {@link pairedRounds} measured. */
export interface PairedResult {
  /** Per round: the candidate's mean over the mean of the two baseline slices around it. */
  readonly ratios: readonly number[];
  readonly median: number;
  /** Medians of the per-round means, in microseconds per call. */
  readonly baselineUs: number;
  readonly candidateUs: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1] ?? 0;

async function slice(fn: () => Promise<unknown>, calls: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return ((performance.now() - t0) * 1000) / calls;
}

/**
 * Rounds of baseline, candidate, baseline slices (`calls` sequential calls each), the ratio of
 * each round taken against the two baseline slices that surround its candidate, and the median
 * over rounds. On a shared machine whose load moves within seconds, back-to-back slices of a
 * few tens of milliseconds see the same load, where two one-second runs one after the other
 * (tinybench's order) do not.
 */
export async function pairedRounds(
  baseline: () => Promise<unknown>,
  candidate: () => Promise<unknown>,
  { rounds = 15, calls = 300, warmup = 1000 } = {},
): Promise<PairedResult> {
  await slice(baseline, warmup);
  await slice(candidate, warmup);
  const ratios: number[] = [];
  const bs: number[] = [];
  const cs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = await slice(baseline, calls);
    const c = await slice(candidate, calls);
    const b = await slice(baseline, calls);
    ratios.push(c / ((a + b) / 2));
    bs.push((a + b) / 2);
    cs.push(c);
  }
  return { ratios, median: median(ratios), baselineUs: median(bs), candidateUs: median(cs) };
}
