import { defineConfig } from 'vitest/config';

/** Benchmarks run as ordinary vitest files that print ratios; they never assert on time. */
export default defineConfig({
  test: {
    include: ['packages/*/bench/**/*.bench.ts', 'bench/**/*.bench.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    setupFiles: ['./scripts/vitest.setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    // Built packages run natively, as in production: through Vite's module runner every call
    // across modules pays for the runner's import bindings, which a per-call benchmark sees.
    server: { deps: { external: [/\/packages\/[^/]+\/dist\//] } },
  },
});
