import { defineConfig } from 'vitest/config';

/** One root config: unit (`*.spec.ts`), integration (`*.int.spec.ts`) and black-box (`test/`) tests. */
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.spec.ts', 'examples/**/src/**/*.spec.ts', 'test/**/*.spec.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    setupFiles: ['./scripts/vitest.setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
