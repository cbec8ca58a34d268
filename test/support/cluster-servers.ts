import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The `chassis-server` binary, as the build leaves it. */
export const SERVER_BIN = fileURLToPath(
  new URL('../../packages/server/dist/bin.js', import.meta.url),
);

/** One `chassis-server` cluster member running in its own process group. */
export interface MemberProcess {
  /** The member id (`cluster.memberId`). */
  readonly name: string;
  /** `http://127.0.0.1:<port>` of its admin API, without a trailing slash. */
  readonly url: string;
  /** Its admin token (each member generates its own in its data directory). */
  readonly token: string;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** `kill -9` of the server process (its whole process group); resolves once it is gone. */
  kill9(): Promise<void>;
  /** True once the process ended. */
  exited(): boolean;
}

/** What every member of one test cluster shares. */
export interface ClusterSettings {
  /** Folder holding the members' configuration files, data directories and the secret. */
  readonly root: string;
  /** `state.url`: the shared PostgreSQL database. */
  readonly databaseUrl: string;
  /** `trust.ca`: the project CA certificate (PEM) every CAR must be signed under. */
  readonly caFile: string;
  /** `cluster.leaseTtlMs`. */
  readonly leaseTtlMs: number;
  /** `cluster.ownerWaitMs`. */
  readonly ownerWaitMs: number;
  /** `kernel.confinement.trusted`: these run in-process (driver journals are plain files). */
  readonly trusted: readonly string[];
}

/** Every group this module started and has not seen end: killed on exit, whatever happened. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) killGroup(pid);
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone, which is what was wanted.
  }
}

/**
 * Creates the members' folder and the one cluster secret they all read (`cluster.secretFile`,
 * relative to their configuration files). Call once, before the first {@link startMember}.
 */
export async function prepareCluster(s: ClusterSettings): Promise<void> {
  await mkdir(s.root, { recursive: true });
  await writeFile(join(s.root, 'secret'), `${randomBytes(32).toString('base64')}\n`);
}

/** The YAML a member is started with: PostgreSQL state, a `cluster:` block, admin on port 0. */
export function memberConfig(s: ClusterSettings, name: string): string {
  return [
    `dataDir: ${JSON.stringify(join(s.root, name))}`,
    'logLevel: warn',
    'admin: { port: 0 }',
    `state: { kind: postgres, url: ${JSON.stringify(s.databaseUrl)} }`,
    `trust: { ca: ${JSON.stringify(s.caFile)} }`,
    `cluster: { memberId: ${name}, secretFile: secret, leaseTtlMs: ${s.leaseTtlMs}, ownerWaitMs: ${s.ownerWaitMs} }`,
    `kernel: { isolation: { default: in-process }, confinement: { trusted: [${s.trusted.join(', ')}] } }`,
    '',
  ].join('\n');
}

const ADMIN_LINE = /Admin API and web UI on (http:\/\/127\.0\.0\.1:\d+)\//;

/**
 * Starts `chassis-server --config <root>/<name>.yaml` in its own process group (`detached`, so
 * a `kill -9` of the group takes every child of the member with it) and resolves once it
 * printed its admin URL, i.e. once it joined the cluster and converged. The process is
 * registered for the kill on exit until it ends. Start bound: `timeoutMs` (default 45 s).
 */
export async function startMember(
  s: ClusterSettings,
  name: string,
  timeoutMs = 45_000,
): Promise<MemberProcess> {
  const file = join(s.root, `${name}.yaml`);
  await writeFile(file, memberConfig(s, name));
  const child: ChildProcess = spawn(process.execPath, [SERVER_BIN, '--config', file], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`chassis-server ${name} did not start`);
  live.add(pid);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  let ended = false;
  const gone = new Promise<void>((resolve) =>
    child.once('close', () => {
      ended = true;
      live.delete(pid);
      resolve();
    }),
  );
  const kill9 = async (): Promise<void> => {
    if (ended) return;
    killGroup(pid);
    await gone;
  };
  const deadline = Date.now() + timeoutMs;
  let url: string | undefined;
  while (!url) {
    url = ADMIN_LINE.exec(out)?.[1];
    if (url) break;
    if (ended || Date.now() > deadline) {
      await kill9();
      throw new Error(
        `chassis-server ${name} ${ended ? 'exited' : `printed no admin URL within ${timeoutMs} ms`}:\n${out}\n${err}`,
      );
    }
    await sleep(50);
  }
  const token = (await readFile(join(s.root, name, 'admin-token'), 'utf8')).split('\n')[0]!.trim();
  return {
    name,
    url,
    token,
    pid,
    stdout: () => out,
    stderr: () => err,
    kill9,
    exited: () => ended,
  };
}

/** `kill -9` of every member still running (each its process group). */
export async function killAll(members: Iterable<MemberProcess>): Promise<void> {
  await Promise.all([...members].map((m) => m.kill9()));
}

/**
 * Bounded poll: resolves with the first truthy value of `probe`, every `everyMs`, for at most
 * `timeoutMs` (default 45 s); a probe that throws counts as "not yet". The error names `what`
 * and the last value or error seen.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 45_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    await sleep(everyMs);
  }
}
