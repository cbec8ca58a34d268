import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REPOSITORY_DIR, DEMO_RESOURCES } from '@chassis/example-management-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Black-box: `chassis-server` (the `@chassis/server` binary) as an operator runs it, with one
 * YAML file: every configuration problem at once, then a real start from a CAR source, a call
 * through the admin API, and a clean stop on SIGTERM.
 */

const BIN = fileURLToPath(new URL('../packages/server/dist/bin.js', import.meta.url));
const IDS = ['com.example.nvp', 'com.example.solidfire', 'com.example.kvm'];

interface Proc {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    proc.stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    proc.stderr += d;
  });
  return proc;
}

/** Polls `proc.stdout` for `pattern` (bounded: 30 s), failing early if the process ends. */
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
  throw new Error(`no ${pattern} in the output:\n${proc.stdout}\n${proc.stderr}`);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-server-bin-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('chassis-server', () => {
  it('prints every configuration problem at once and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      'admin: { port: 99999 }\ntrust: { revocations: gone.json }\nsoruces: []\n',
    );
    const p = start(['--config', file, '--check'], { CHASSIS_LOG_LEVEL: 'loud' });
    expect(await p.exited).toBe(1);
    expect(p.stderr).toContain('CHASSIS_E_SERVER_CONFIG_INVALID');
    for (const field of ['admin.port', 'trust.revocations', 'soruces', 'logLevel'])
      expect(p.stderr).toContain(`: ${field}: `);
    expect(p.stderr).toContain(`CHASSIS_LOG_LEVEL: logLevel: must be one of`);
  });

  it('starts from a CAR source, serves the admin API, and stops cleanly on SIGTERM', async () => {
    const data = join(dir, 'data');
    const file = join(dir, 'server.yaml');
    await writeFile(
      file,
      [
        `dataDir: ${JSON.stringify(data)}`,
        `sources: [${JSON.stringify(DEFAULT_REPOSITORY_DIR)}]`,
        `trust: { allowUnsigned: [${IDS.join(', ')}] }`,
        'admin: { port: 0 }',
      ].join('\n'),
    );
    const p = start([], { CHASSIS_SERVER_CONFIG: file });
    try {
      const [, url] = await waitFor(p, /Admin API and web UI on (http:\/\/127\.0\.0\.1:\d+)\//);
      await waitFor(p, /Running with data in/);
      const token = (await readFile(join(data, 'admin-token'), 'utf8')).trim();
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const drivers = (await (await fetch(`${url}/api/drivers`, { headers })).json()) as {
        id: string;
      }[];
      expect(drivers.map((d) => d.id).sort()).toEqual([...IDS].sort());
      const pool = DEMO_RESOURCES.find((r) => r.driverId === 'com.example.solidfire')!;
      const res = await fetch(`${url}/api/resources`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          id: pool.id,
          kind: pool.kind,
          driverId: pool.driverId,
          properties: pool.properties,
        }),
      });
      expect(res.status).toBe(201);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.stdout).toMatch(/Stop \(exact reverse of the start order\)/);
      expect(JSON.parse(await readFile(join(data, 'chassis.lock'), 'utf8'))).toBeTruthy();
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 60_000);
});
