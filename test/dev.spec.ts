import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initDriverProject } from '@chassis/car';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chassis,
  json,
  type RunningCli,
  startChassis,
  waitForOutput,
} from './support/chassis-cli.js';

/**
 * Black-box `chassis dev` on one scaffolded storage driver project (`chassis car init`), with
 * the workspace's built packages standing in for `npm install`: start (build, dev CAR,
 * throwaway server, resource from dev.properties.json), `chassis dev call`, an edit of the
 * source hot-swapped through the upgrade path, a clean stop, and a bad properties file refused
 * with every violation before anything is built.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ID = 'com.example.devflash';
let base: string;
let project: string;
let dev: RunningCli | undefined;

interface Answer {
  readonly ok: boolean;
  readonly version: string;
  readonly operation: string;
  readonly result: { readonly snapshots: boolean; readonly protocols: string[] };
}

const call = (...args: string[]) => chassis(['dev', '--dir', project, 'call', ...args, '--json']);

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'chassis-dev-spec-'));
  project = join(base, 'flash');
  await initDriverProject(project, { id: ID, category: 'storage' });
  const modules = join(project, 'node_modules');
  await mkdir(join(modules, '@chassis'), { recursive: true });
  await mkdir(join(modules, '.bin'));
  for (const name of ['kernel', 'storage'])
    await symlink(join(ROOT, 'packages', name), join(modules, '@chassis', name));
  const ts = dirname(createRequire(join(ROOT, 'package.json')).resolve('typescript/package.json'));
  await symlink(ts, join(modules, 'typescript'));
  await symlink(join(ts, 'bin', 'tsc'), join(modules, '.bin', 'tsc'));
}, 60_000);

afterAll(async () => {
  dev?.kill();
  await dev?.done.catch(() => undefined);
  await rm(base, { recursive: true, force: true });
});

describe('chassis dev', () => {
  it('refuses a bad properties file with every violation, before building anything', async () => {
    const bad = join(base, 'bad.properties.json');
    // mPort a string, mVip over 255, clusterAdminPassword (required) missing.
    await writeFile(
      bad,
      JSON.stringify({
        mVip: 'x'.repeat(300),
        mPort: '443',
        sVip: '10.0.1.10',
        clusterAdminUsername: 'a',
      }),
    );
    const r = await chassis(['dev', '--dir', project, '--properties', bad], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /CHASSIS_E_PROPS_INVALID: 3 invalid properties for driver com.example.devflash/,
    );
    for (const key of ['mVip', 'mPort', 'clusterAdminPassword'])
      expect(r.stderr).toMatch(new RegExp(`- ${key} \\[`));
    // Nothing was built or started.
    await expect(stat(join(project, 'classes'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(r.stdout).not.toMatch(/Build/);
  });

  it('without a session, chassis dev call says so (typed)', async () => {
    const r = await chassis(['dev', '--dir', project, 'call', 'capabilities']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^CHASSIS_E_DEV_NOT_RUNNING: /);
  });

  it('starts, answers calls, hot-swaps an edited source, stops clean', async () => {
    dev = startChassis(['dev', '--dir', project], { timeoutMs: 240_000 });
    await waitForOutput(dev, (out) => out.includes('== Ready:'), 120_000);
    const started = dev.stdout();
    expect(started).toMatch(/runs in the "worker" tier driver\.yaml declares/);
    expect(started).toMatch(/unsigned dev CAR/);
    expect(started).toMatch(/com\.example\.devflash@0\.1\.0-dev\.1\s+Starting → Running/);
    // The driver's own log line, streamed.
    expect(started).toMatch(/log info\s+com\.example\.devflash driver started/);
    expect(started).toMatch(/clusterAdminPassword":"••••••"/);
    const tempDir = /data in (\S+)\)/.exec(started)?.[1];
    expect(tempDir).toBeDefined();

    const first = json<Answer>(await call('capabilities'));
    expect(first).toMatchObject({
      ok: true,
      version: '0.1.0-dev.1',
      operation: 'storage.primary.capabilities',
    });
    expect(first.result.snapshots).toBe(false);
    // A driver error is the driver's answer, typed, exit 1.
    const stats = await chassis(['dev', '--dir', project, 'call', 'stats']);
    expect(stats.code).toBe(1);
    expect(stats.stderr).toMatch(
      /CHASSIS_E_DRIVER_OPERATION_FAILED: .*stats is not implemented yet/,
    );

    const src = join(project, 'src', 'index.ts');
    await writeFile(
      src,
      (await readFile(src, 'utf8')).replace('snapshots: false', 'snapshots: true'),
    );
    // Poll (bounded) until the rebuilt version answers.
    const deadline = Date.now() + 120_000;
    let answer = first;
    while (answer.version === '0.1.0-dev.1' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      answer = json<Answer>(await call('storage.primary.capabilities'));
    }
    expect(answer).toMatchObject({ ok: true, version: '0.1.0-dev.2' });
    expect(answer.result.snapshots).toBe(true);
    await waitForOutput(dev, (out) => /dev-1 paused [\d.]+ ms/.test(out), 10_000);
    expect(dev.stdout()).toMatch(
      /Swapped com\.example\.devflash 0\.1\.0-dev\.1 → 0\.1\.0-dev\.2 through the upgrade path \(succeeded\)/,
    );

    // A build that fails is printed; the previous build keeps serving.
    const good = await readFile(src, 'utf8');
    await writeFile(src, good.replace('snapshots: true', "snapshots: 'yes'"));
    await waitForOutput(dev, (out) => out.includes('CHASSIS_E_DEV_BUILD_FAILED'), 120_000);
    await waitForOutput(dev, (out) => out.includes('still serving 0.1.0-dev.2'), 10_000);
    expect(json<Answer>(await call('capabilities'))).toMatchObject({
      ok: true,
      version: '0.1.0-dev.2',
    });
    // A dotted name must be a point the driver provides.
    const wrong = await chassis(['dev', '--dir', project, 'call', 'network.device.provider']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/CHASSIS_E_CLI_USAGE: .*provides storage\.primary/);

    dev.kill();
    const end = await dev.done;
    dev = undefined;
    expect(end.code).toBe(0);
    expect(end.stdout).toMatch(/== Stop/);
    await expect(stat(tempDir!)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(project, '.chassis-dev', 'session.json'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  }, 300_000);
});
