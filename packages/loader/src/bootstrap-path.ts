import { existsSync } from 'node:fs';

/**
 * The compiled bootstrap of the worker and process tiers. Normally it sits beside this module
 * in `dist/`; when this module runs from `src/` (tests through vitest), the built copy in
 * `dist/` is used, so build the package before running its tests.
 */
export function bootstrapUrl(): URL {
  const here = new URL('./worker-main.js', import.meta.url);
  if (existsSync(here)) return here;
  return new URL('../dist/worker-main.js', import.meta.url);
}
