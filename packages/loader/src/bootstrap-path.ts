import { existsSync } from 'node:fs';

/** The bootstrap of each isolating tier: its bundle, and its compiled module. */
const BOOTSTRAPS = {
  worker: { bundle: 'guest-worker.cjs', module: 'worker-main.js' },
  process: { bundle: 'guest-process.cjs', module: 'process-main.js' },
} as const;

/**
 * The bootstrap of the `worker` or `process` tier. Every worker and child process loads it, so
 * the build bundles each tier's main (`worker-main.js`, `process-main.js`) with what it imports
 * (the guest, `@chassis/kernel/errors` and `/messages`) into one CommonJS file: resolving,
 * reading and instantiating 27 modules cost about as much CPU as booting the bare worker, and an
 * ES module as a thread's main costs Node's ESM loader more. Normally it sits beside this module
 * in `dist/`; when this module runs from `src/` (tests through vitest), the built copy in `dist/`
 * is used, so build the package before running its tests. Without the bundle (a build that ran
 * `tsc` alone) the unbundled module serves.
 */
export function bootstrapUrl(tier: keyof typeof BOOTSTRAPS): URL {
  const { bundle, module } = BOOTSTRAPS[tier];
  for (const candidate of [`./${bundle}`, `../dist/${bundle}`, `./${module}`]) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(url)) return url;
  }
  return new URL(`../dist/${module}`, import.meta.url);
}
