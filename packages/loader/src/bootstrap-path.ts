import { existsSync } from 'node:fs';

/** The guest bootstrap bundled into one file at build time (see the package's `build`). */
const BUNDLE = 'guest-bootstrap.cjs';
/** The compiled bootstrap module itself (it imports 26 more modules). */
const MODULE = 'worker-main.js';

/**
 * The bootstrap of the worker and process tiers. Every worker and child process loads it, so the
 * build bundles `worker-main.js` with what it imports (the guest, `@chassis/kernel/errors` and
 * `/messages`) into one file: resolving, reading and instantiating 27 modules cost about as much
 * CPU as booting the bare worker. Normally it sits beside this module in `dist/`; when this
 * module runs from `src/` (tests through vitest), the built copy in `dist/` is used, so build the
 * package before running its tests. Without the bundle (a build that ran `tsc` alone) the
 * unbundled module serves.
 */
export function bootstrapUrl(): URL {
  for (const candidate of [`./${BUNDLE}`, `../dist/${BUNDLE}`, `./${MODULE}`]) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(url)) return url;
  }
  return new URL(`../dist/${MODULE}`, import.meta.url);
}
