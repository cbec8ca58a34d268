import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where the PostgreSQL binaries are, or why the PostgreSQL tests cannot run. */
export type PgAvailability =
  | { readonly ok: true; readonly bin: string }
  | { readonly ok: false; readonly reason: string };

/** Debian's versioned directories first (newest first), then `PATH`. */
function candidateBinDirs(): string[] {
  const debian = ['17', '16', '15', '14', '13'].map((v) => `/usr/lib/postgresql/${v}/bin`);
  return [...debian, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
}

/**
 * Finds `initdb` and `pg_ctl`. Tests use this to skip with a clear message when PostgreSQL is
 * missing; `CHASSIS_REQUIRE_POSTGRES=1` (set in CI) turns a missing PostgreSQL into a failure.
 */
export function findPostgres(): PgAvailability {
  const override = process.env.CHASSIS_PG_BIN;
  const dirs = override ? [override] : candidateBinDirs();
  for (const dir of dirs) {
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) {
      return { ok: true, bin: dir };
    }
  }
  return {
    ok: false,
    reason:
      'PostgreSQL (initdb, pg_ctl) not found: run scripts/setup.sh as root to install Debian\'s "postgresql", or set CHASSIS_PG_BIN',
  };
}

/** A throwaway PostgreSQL cluster on 127.0.0.1 with trust authentication. */
export interface PgTestCluster {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Connection URL of one database of this cluster. */
  url(database: string): string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** `pg_ctl restart -m fast`: every open connection is terminated. */
  restart(): Promise<void>;
  /** Stops the server and removes its data directory. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** initdb and the server refuse to run as root: run them as the `postgres` system user then. */
async function pgTool(bin: string, tool: string, args: string[], timeoutMs: number): Promise<void> {
  const file = join(bin, tool);
  const [cmd, argv] = isRoot()
    ? ['runuser', ['-u', 'postgres', '--', file, ...args]]
    : [file, args];
  await run(cmd, argv, { timeout: timeoutMs, env: { ...process.env, LC_ALL: 'C' } });
}

let counter = 0;

/**
 * Starts a throwaway cluster: `initdb` into a temp dir, `pg_ctl start` on a free loopback port
 * with the socket in the temp dir and durability off (test data only). Every wait is bounded.
 */
export async function startPgCluster(bin: string): Promise<PgTestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'chassis-pg-'));
  const data = join(dir, 'data');
  const user = 'chassis';
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await freePort();
  await pgTool(
    bin,
    'initdb',
    ['-D', data, '-U', user, '--auth=trust', '--no-sync', '-E', 'UTF8'],
    60_000,
  );
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const ctl = (args: string[]) =>
    pgTool(bin, 'pg_ctl', ['-D', data, '-w', '-t', '30', ...args], 45_000);
  await ctl(['-l', join(dir, 'server.log'), '-o', opts, 'start']);
  const host = '127.0.0.1';
  const url = (database: string) => `postgres://${user}@${host}:${port}/${database}`;
  return {
    host,
    port,
    user,
    url,
    async createDatabase(name) {
      const db = name ?? `t_${process.pid}_${++counter}`;
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${db}"`);
      } finally {
        await client.end();
      }
      return url(db);
    },
    async restart() {
      await ctl(['-m', 'fast', '-l', join(dir, 'server.log'), '-o', opts, 'restart']);
    },
    async destroy() {
      try {
        await ctl(['-m', 'immediate', 'stop']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
