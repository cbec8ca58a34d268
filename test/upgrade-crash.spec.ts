import { type ChildProcess, fork } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_REPOSITORY_DIR, DEMO_RESOURCES } from '@chassis/example-management-server';
import { afterAll, describe, expect, it } from 'vitest';
import { packSolidFireVariant } from './support/driver-cars.js';

/**
 * Issue 12.2, black box: the example management server (built `dist`) runs in a child process, a
 * one-at-a-time upgrade of the SolidFire driver moves four pools while calls are in flight, and
 * the process is killed with SIGKILL at a random moment. The next start must find every pool on
 * the one active version, no history record `running`, the install lock equal to the installed
 * set and every configuration intact. `CHASSIS_CRASH_TRIALS` sets the number of kills (default 3;
 * `scripts/crash-test.sh` runs 50).
 */

const TRIALS = Number(process.env.CHASSIS_CRASH_TRIALS ?? 3);
const ID = 'com.example.solidfire';
const NEWER = `${'com.example.solidfire'}-1.1.0.car`;
const POOLS = ['pool-a', 'pool-b', 'pool-c', 'pool-d'];
const dist = (p: string) => JSON.stringify(pathToFileURL(join(import.meta.dirname, '..', p)).href);

const CHILD = `
import { startExampleServer, installedVersions, DEMO_RESOURCES } from ${dist('examples/management-server/dist/index.js')};
import { DEFAULT_KERNEL_CONFIG } from ${dist('packages/kernel/dist/index.js')};
import { readFile } from 'node:fs/promises';
const [dataDir, repositoryDir, newer] = process.argv.slice(2);
const pool = DEMO_RESOURCES.find((r) => r.driverId === ${JSON.stringify(ID)});
const ex = await startExampleServer({
  dataDir,
  repositoryDir,
  print: () => {},
  config: { ...DEFAULT_KERNEL_CONFIG, confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: ['com.example.'] } },
});
const rt = ex.runtime;
if (!rt.getDriver(${JSON.stringify(ID)}).versions.some((v) => v.version === '1.1.0'))
  await rt.install({ kind: 'file', path: newer }, { id: 'test', roles: ['admin'] });
for (const id of ${JSON.stringify(POOLS)}) {
  if (!rt.listResources().some((r) => r.resource.id === id))
    await rt.createResource({ id, kind: pool.kind, driverId: pool.driverId, properties: pool.properties }, { id: 'test', roles: ['admin'] });
}
await ex.lockWritten();
const d = rt.getDriver(${JSON.stringify(ID)});
const lock = JSON.parse(await readFile(ex.lockFile, 'utf8'));
process.send({
  ready: true,
  active: d.activeVersion,
  installed: installedVersions(rt),
  lock,
  running: rt.upgradeHistory().filter((h) => h.result === 'running').length,
  interrupted: rt.upgradeHistory().filter((h) => h.result === 'interrupted').map((h) => h.recovery),
  pools: rt.listResources({ driverId: ${JSON.stringify(ID)} }).map((r) => ({ id: r.resource.id, version: r.binding.version, config: r.configuration })),
  states: d.versions.map((v) => [v.version, v.state]),
});
process.on('message', async (m) => {
  if (m !== 'upgrade') { await ex.stop(); process.exit(0); }
  const to = d.versions.map((v) => v.version).find((v) => v !== d.activeVersion);
  // Calls in flight on every pool while the pools move.
  for (const id of ${JSON.stringify(POOLS)})
    (async () => { for (;;) await rt.router.call(id, 'storage.primary', 'capabilities', []).catch(() => {}); })();
  // Each batch suspends the old version once: the parent kills at a chosen batch.
  let batch = 0;
  rt.lifecycle$.subscribe((e) => { if (e.to === 'Suspended') process.send({ ['batch' + ++batch]: true }); });
  process.send({ upgrading: to });
  await rt.upgrade(${JSON.stringify(ID)}, { version: to, policy: { kind: 'one-at-a-time' } }, { id: 'test', roles: ['admin'] });
  process.send({ upgraded: to });
});
`;

interface State {
  ready: true;
  active: string;
  installed: { id: string; version: string; sha256: string }[];
  lock: { drivers?: { id: string; version: string; sha256: string }[] } & Record<string, unknown>;
  running: number;
  interrupted: ({ outcome: string } | undefined)[];
  pools: { id: string; version: string; config: Record<string, unknown> }[];
  states: [string, string][];
}

function launch(script: string, dataDir: string, repo: string) {
  const child = fork(script, [dataDir, repo, join(repo, '..', NEWER)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const messages: Record<string, unknown>[] = [];
  child.on('message', (m) => messages.push(m as Record<string, unknown>));
  const next = (key: string, timeoutMs = 60_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${key}" in ${timeoutMs} ms: ${stderr}`)),
        timeoutMs,
      );
      const check = () => {
        const m = messages.find((x) => key in x);
        if (m) {
          clearTimeout(timer);
          resolve(m);
          return true;
        }
        return false;
      };
      if (check()) return;
      child.on('message', check);
      child.once('exit', (code) => {
        if (!check()) {
          clearTimeout(timer);
          reject(new Error(`server exited (${code}) before "${key}": ${stderr}`));
        }
      });
    });
  return { child, next };
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of children) await killed(c);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function checkInvariants(s: State, where: string): void {
  expect(s.running, `${where}: no history record left running`).toBe(0);
  expect(s.pools.map((p) => p.id).sort(), where).toEqual(POOLS);
  expect(new Set(s.pools.map((p) => p.version)), `${where}: one version`).toEqual(
    new Set([s.active]),
  );
  expect(s.states.find(([v]) => v === s.active)?.[1], where).toBe('Running');
  const pool = DEMO_RESOURCES.find((r) => r.driverId === ID)!;
  for (const p of s.pools)
    expect(p.config.mVip, `${where}: ${p.id} config`).toBe(pool.properties.mVip);
  const key = (d: { id: string; version: string; sha256: string }) =>
    `${d.id}@${d.version}:${d.sha256}`;
  const locked = (s.lock.drivers ?? []).map(key).sort();
  expect(locked, `${where}: lock file = installed set`).toEqual(s.installed.map(key).sort());
}

describe('kill -9 during a one-at-a-time upgrade (example server from dist)', () => {
  it(
    `recovers to one consistent version after each of ${TRIALS} random kills`,
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'chassis-crash-'));
      dirs.push(root);
      const repo = join(root, 'repo');
      await mkdir(repo, { recursive: true });
      await copyFile(
        join(DEFAULT_REPOSITORY_DIR, `${ID}-1.0.0.car`),
        join(repo, `${ID}-1.0.0.car`),
      );
      const work = join(root, 'work');
      await packSolidFireVariant(work, { version: '1.1.0' });
      // Beside the repository folder (one version per driver there): installed by file.
      await copyFile(join(work, NEWER), join(root, NEWER));
      const script = join(root, 'server.mjs');
      await writeFile(script, CHILD);
      const dataDir = join(root, 'data');

      for (let trial = 0; trial < TRIALS; trial++) {
        const run = launch(script, dataDir, repo);
        children.push(run.child);
        const state = (await run.next('ready')) as unknown as State;
        checkInvariants(state, `start before trial ${trial}`);
        run.child.send('upgrade');
        await run.next('upgrading');
        // At a random batch (1..3 of 4), a random few ms later: mid-upgrade, calls in flight.
        await run.next(`batch${1 + Math.floor(Math.random() * (POOLS.length - 1))}`);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5)));
        await killed(run.child);
      }
      const last = launch(script, dataDir, repo);
      children.push(last.child);
      const state = (await last.next('ready')) as unknown as State;
      checkInvariants(state, 'after the last kill');
      const exited = new Promise((r) => last.child.once('exit', r));
      last.child.send('stop');
      await exited;
      // A kill can land just after an upgrade finished, but not after every one of them.
      expect(state.interrupted.length).toBeGreaterThanOrEqual(1);
      expect(
        state.interrupted.every((r) => r && ['rolled-back', 'completed'].includes(r.outcome)),
      ).toBe(true);
    },
    60_000 + TRIALS * 30_000,
  );
});
