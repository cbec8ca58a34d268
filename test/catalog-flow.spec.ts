import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REPOSITORY_DIR } from '@chassis/example-management-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, chassis, chassisFor, json } from './support/chassis-cli.js';

/**
 * Black-box: install from the repository catalog as an operator would. A real TUF repository
 * made with `chassis repo init|add`, a real `chassis-server` reading it (`repository.url`,
 * `repository.trustedRoot`) and the `chassis catalog search|show` and `drivers install|rollback`
 * commands against its admin API. Nothing is installed from a CAR source.
 */

const BIN = fileURLToPath(new URL('../packages/server/dist/bin.js', import.meta.url));
const SOLIDFIRE = 'com.example.solidfire';
const NVP = 'com.example.nvp';

interface Proc {
  readonly child: ChildProcess;
  stdout: string;
  readonly exited: Promise<number | null>;
}

/** Polls the server's output for `pattern` (bounded: 30 s), failing early if it ends. */
async function waitFor(proc: Proc, pattern: RegExp): Promise<RegExpExecArray> {
  let ended = false;
  void proc.exited.then(() => {
    ended = true;
  });
  for (let i = 0; i < 300; i++) {
    const m = pattern.exec(proc.stdout);
    if (m) return m;
    if (ended) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${pattern} in the output:\n${proc.stdout}`);
}

const ok = (r: CliRun, what: string): CliRun => {
  expect(r.code, `${what}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};

let dir: string;
let server: Proc;
let cli: ReturnType<typeof chassisFor>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-catalog-flow-'));
  const repo = join(dir, 'repo');
  const keys = join(dir, 'keys');
  ok(await chassis(['repo', 'init', repo, '--keys', keys]), 'repo init');
  ok(
    await chassis([
      'repo',
      'add',
      repo,
      join(DEFAULT_REPOSITORY_DIR, `${SOLIDFIRE}-1.0.0.car`),
      join(DEFAULT_REPOSITORY_DIR, `${NVP}-1.0.0.car`),
      '--keys',
      keys,
    ]),
    'repo add',
  );
  const data = join(dir, 'data');
  const config = join(dir, 'server.yaml');
  await writeFile(
    config,
    [
      `dataDir: ${JSON.stringify(data)}`,
      `trust: { allowUnsigned: [${SOLIDFIRE}, ${NVP}] }`,
      `repository: { url: ${JSON.stringify(repo)}, trustedRoot: ${JSON.stringify(join(repo, '1.root.json'))} }`,
      'admin: { port: 0 }',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [BIN, '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = {
    child,
    stdout: '',
    exited: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
  const append = (d: string) => {
    server.stdout += d;
  };
  child.stdout?.setEncoding('utf8').on('data', append);
  child.stderr?.setEncoding('utf8').on('data', append);
  const [, url] = await waitFor(server, /Admin API and web UI on (http:\/\/127\.0\.0\.1:\d+)\//);
  const token = (await readFile(join(data, 'admin-token'), 'utf8')).trim();
  cli = chassisFor({ url: url!, token });
}, 60_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

describe('install from the repository catalog', () => {
  it('searches, shows versions, installs by id, and sees it installed', async () => {
    const found = json<{ id: string; latest: string; installed: string[] }[]>(
      ok(await cli(['catalog', 'search', 'storage', '--json']), 'catalog search'),
    );
    expect(found).toEqual([
      expect.objectContaining({ id: SOLIDFIRE, latest: '1.0.0', installed: [] }),
    ]);
    const table = ok(await cli(['catalog', 'search']), 'catalog search (all)').stdout;
    expect(table).toMatch(/^ID\s+LATEST\s+CATEGORY/m);
    expect(table).toMatch(new RegExp(`${NVP.replace(/\./g, '\\.')}\\s+1\\.0\\.0\\s+network`));
    expect(ok(await cli(['catalog', 'search', 'no such driver']), 'no match').stdout).toContain(
      'no driver in the repository matches "no such driver"',
    );

    const show = ok(await cli(['catalog', 'show', SOLIDFIRE]), 'catalog show').stdout;
    expect(show).toMatch(/^1\.0\.0\s+yes\s+unsigned/m);
    expect(show).toContain(`install with: chassis drivers install ${SOLIDFIRE} --version 1.0.0`);
    const missing = await cli(['catalog', 'show', 'com.example.nope', '--json']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('CHASSIS_E_REPO_DRIVER_NOT_FOUND');

    ok(await cli(['drivers', 'install', SOLIDFIRE, '--version', '1.0.0', '--json']), 'install');
    const after = json<{ installed: string[]; versions: { installed: boolean }[] }>(
      ok(await cli(['catalog', 'show', SOLIDFIRE, '--json']), 'catalog show after'),
    );
    expect(after.installed).toEqual(['1.0.0']);
    expect(after.versions[0]?.installed).toBe(true);
  }, 90_000);

  it('refuses a rollback to a version that is not kept, naming the kept ones', async () => {
    const r = await cli(['drivers', 'rollback', SOLIDFIRE, '--to', '0.9.0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('CHASSIS_E_UPGRADE_VERSION_NOT_KEPT');
    expect(r.stderr).toContain('kept versions: 1.0.0');
  }, 30_000);
});
