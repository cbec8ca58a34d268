import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PgTestCluster, pgSuite } from '@chassis/state-postgres/testing';
import { loadServerConfig } from '../config/load.js';
import { type RunningServer, startServer } from '../server.js';

/** The fixture driver every server cluster spec installs. */
export const ID = 'com.example.fixture';
/** The principal the specs act as. */
export const admin = { id: 'alice', roles: ['admin'] };

/** Bounded poll: resolves when `cond` holds, throws naming `what` after `ms`. */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** How one member's configuration file differs from the others'. */
export interface MemberConfig {
  /** `verifyLock`: the lock file the member must match. */
  readonly lock?: string;
  /** `false`: the member's trust refuses the (unsigned) fixture driver. */
  readonly unsigned?: boolean;
  /** More `cluster:` keys, as YAML flow entries (`rollout: { … }`). */
  readonly cluster?: string;
  /** More top-level lines of the file. */
  readonly lines?: readonly string[];
}

/** A started member and what it printed. */
export interface MemberServer {
  readonly s: RunningServer;
  readonly lines: string[];
}

/**
 * `chassis-server` members on one PostgreSQL, for a spec's `beforeAll`/`afterAll`: `setUp`
 * starts PostgreSQL and writes the shared cluster secret, `start` writes a member's
 * configuration file and starts it, `tearDown` stops what started, PostgreSQL, and the files.
 */
export function serverClusterSuite(name: string) {
  const pgs = pgSuite();
  let pg: PgTestCluster | undefined;
  let dir = '';
  const running: RunningServer[] = [];
  return {
    available: pgs.available,
    get pg(): PgTestCluster {
      if (!pg) throw new Error('serverClusterSuite: call setUp() first (in beforeAll)');
      return pg;
    },
    get dir(): string {
      return dir;
    },
    async setUp(): Promise<void> {
      pg = await pgs.start();
      dir = await mkdtemp(join(tmpdir(), `chassis-server-${name}-`));
      await writeFile(join(dir, 'secret'), `${'k'.repeat(40)}\n`);
    },
    async tearDown(): Promise<void> {
      for (const s of running.splice(0)) await s.stop();
      await pgs.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
    /** Member `member` (its data dir and member id) on the database at `url`. */
    async start(member: string, url: string, o: MemberConfig = {}): Promise<MemberServer> {
      const file = join(dir, `${member}.yaml`);
      const more = o.cluster ? `, ${o.cluster}` : '';
      await writeFile(
        file,
        [
          `dataDir: ${member}`,
          `trust: { allowUnsigned: [${o.unsigned === false ? '' : ID}] }`,
          `state: { kind: postgres, url: "${url}" }`,
          `cluster: { memberId: ${member}, secretFile: secret, leaseTtlMs: 1500${more} }`,
          `kernel: { isolation: { default: in-process }, confinement: { trusted: [${ID}] } }`,
          ...(o.lock ? [`verifyLock: ${o.lock}`] : []),
          ...(o.lines ?? []),
        ].join('\n'),
      );
      const lines: string[] = [];
      const s = await startServer(await loadServerConfig({ flags: { config: file } }), (l) =>
        lines.push(l),
      );
      running.push(s);
      return { s, lines };
    },
  };
}
