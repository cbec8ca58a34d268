import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** One root config: unit (`*.spec.ts`), integration (`*.int.spec.ts`) and black-box (`test/`) tests. */
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.spec.ts', 'examples/**/src/**/*.spec.ts', 'test/**/*.spec.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    setupFiles: ['./scripts/vitest.setup.ts'],
    pool: 'forks',
    // Most test time is spent waiting on child processes, servers and PostgreSQL, not on CPU:
    // vitest's default (one fork on a 2-core machine) leaves the second core idle.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
