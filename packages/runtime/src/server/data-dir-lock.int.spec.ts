import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Each server is a real process running the built runtime, as an operator's server does.
const SERVER = `
import { createManagementServer } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../dist/index.js')).href)};
try {
  const server = await createManagementServer({ dataDir: process.argv[2] });
  await server.start();
  process.send({ ready: process.pid });
  process.on('message', async () => { await server.stop(); process.exit(0); });
} catch (err) {
  process.send({ error: { code: err.code, message: err.message, details: err.details } });
  process.exit(1);
}
`;

interface Reply {
  ready?: number;
  error?: { code: string; message: string; details: { holder?: { pid: number } } };
}

function launch(script: string, dataDir: string): { child: ChildProcess; reply: Promise<Reply> } {
  const child = fork(script, [dataDir], { stdio: 'ignore' });
  const reply = new Promise<Reply>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Reply));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited (${code}) without a reply`)));
  });
  return { child, reply };
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

describe('one server per data directory', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) await kill(c, 'SIGKILL');
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('refuses a second server naming the holder, and takes over the lock of a kill -9', async () => {
    const root = await mkdtemp(join(tmpdir(), 'chassis-dirlock-'));
    dirs.push(root);
    const script = join(root, 'server.mjs');
    await writeFile(script, SERVER);
    const dataDir = join(root, 'data');

    const first = launch(script, dataDir);
    children.push(first.child);
    expect((await first.reply).ready).toBe(first.child.pid);

    const second = launch(script, dataDir);
    children.push(second.child);
    const refused = await second.reply;
    expect(refused.error?.code).toBe('CHASSIS_E_STATE_DIR_LOCKED');
    expect(refused.error?.details.holder).toMatchObject({ pid: first.child.pid });
    expect(refused.error?.message).toContain(String(first.child.pid));

    // The holder dies without releasing anything: the next server takes the lock over at once.
    await kill(first.child, 'SIGKILL');
    const third = launch(script, dataDir);
    children.push(third.child);
    expect((await third.reply).ready).toBe(third.child.pid);
    // A clean stop releases it for the next one.
    const stopped = new Promise((r) => third.child.once('exit', r));
    third.child.send('stop');
    await stopped;
    const fourth = launch(script, dataDir);
    children.push(fourth.child);
    expect((await fourth.reply).ready).toBe(fourth.child.pid);
  }, 60_000);
});
