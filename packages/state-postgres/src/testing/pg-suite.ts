import { findPostgres, type PgTestCluster, startPgCluster } from './pg-cluster.js';

/**
 * What a PostgreSQL test file uses: `available` for `describe.skipIf(!pgSuite.available)`, and
 * `start()`/`stop()` for `beforeAll`/`afterAll` (one cluster per test file).
 */
export interface PgSuite {
  readonly available: boolean;
  readonly reason?: string;
  start(): Promise<PgTestCluster>;
  stop(): Promise<void>;
}

/**
 * One cluster per test file. When PostgreSQL is missing the file is skipped with a warning that
 * says why, unless `CHASSIS_REQUIRE_POSTGRES=1` or `CI` is set: then it is an error, so CI can
 * never pass by skipping.
 */
export function pgSuite(): PgSuite {
  const found = findPostgres();
  if (!found.ok) {
    if (process.env.CHASSIS_REQUIRE_POSTGRES === '1' || process.env.CI) {
      throw new Error(
        `PostgreSQL is required here (CI / CHASSIS_REQUIRE_POSTGRES): ${found.reason}`,
      );
    }
    console.warn(`SKIPPING PostgreSQL tests: ${found.reason}`);
  }
  let cluster: PgTestCluster | undefined;
  return {
    available: found.ok,
    ...(found.ok ? {} : { reason: found.reason }),
    async start() {
      if (!found.ok) throw new Error(found.reason);
      cluster = await startPgCluster(found.bin);
      return cluster;
    },
    async stop() {
      await cluster?.destroy();
      cluster = undefined;
    },
  };
}
