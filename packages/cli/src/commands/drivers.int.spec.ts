import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdminServer, createAdminServer } from '@chassis/admin';
import { createFakeRuntime, type FakeRuntime } from '@chassis/admin/testing';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/run.js';
import { ExitCode } from '../run.js';

const ADMIN = 'cli-admin-token-0123456789';
const VIEWER = 'cli-viewer-token-0123456789';
let server: AdminServer;
let runtime: FakeRuntime;
let url: string;
let dir: string;

const admin = (...argv: string[]) => run(...argv, '--url', url, '--token', ADMIN);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-drivers-'));
  runtime = createFakeRuntime();
  server = createAdminServer({
    runtime,
    logger: false,
    auth: {
      tokens: {
        [ADMIN]: { id: 'cli', roles: ['admin'] },
        [VIEWER]: { id: 'v', roles: ['viewer'] },
      },
    },
  });
  url = await server.listen({ port: 0 });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('chassis drivers / resources (against a real admin server)', () => {
  it('lists drivers as a table and as JSON', async () => {
    const table = await admin('drivers', 'list');
    expect(table.code).toBe(ExitCode.ok);
    expect(table.out).toMatch(/^ID\s+NAME\s+CATEGORY\s+VERSION\s+STATE/);
    expect(table.out).toMatch(
      /com\.example\.solidfire\s+SolidFire primary storage\s+storage\s+2\.0\.0\s+Running\s+worker\s+yes\s+2\.1\.0/,
    );
    const json = await admin('drivers', 'list', '--json');
    expect(JSON.parse(json.out).map((d: { id: string }) => d.id)).toEqual([
      'com.example.kvm',
      'com.example.solidfire',
      'org.example.nvp',
    ]);
  });

  it('lists available updates, and checks now with --check', async () => {
    const list = await admin('drivers', 'updates');
    expect(list.out).toMatch(/com\.example\.solidfire\s+storage\s+2\.0\.0\s+2\.1\.0/);
    const checked = await admin('drivers', 'updates', '--check', '--json');
    expect(JSON.parse(checked.out)).toEqual([
      expect.objectContaining({ id: 'com.example.solidfire', available: '2.1.0' }),
    ]);
  });

  it('shows a driver with its form (labels for --locale) and resources', async () => {
    const res = await admin('drivers', 'show', 'com.example.solidfire', '--locale', 'fr');
    expect(res.code).toBe(0);
    expect(res.out).toContain('VIP de gestion');
    expect(res.out).toMatch(
      /clusterAdminPassword\s+Mot de passe administrateur\s+string\s+yes\s+yes/,
    );
    expect(res.out).toMatch(/pool-1\s+primary-storage-pool\s+2\.0\.0/);
    // The confinement limits the version runs with (admin API → CLI).
    expect(res.out).toContain('limits heap 256 MiB · messages 16 MiB · env - · grants -');
    const json = JSON.parse(
      (await admin('drivers', 'show', 'com.example.solidfire', '--json')).out,
    );
    expect(json.versions[0].form.length).toBeGreaterThan(3);
    expect(json.versions[0].limits).toMatchObject({ heapMb: 256, env: [] });
  });

  it('configures with typed key=value pairs and reports every violation with exit 1', async () => {
    const ok = await admin('drivers', 'configure', 'pool-1', 'mPort=8443', 'sVip=');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/mPort\s+8443/);
    expect(runtime.getResource('pool-1').configuration).not.toHaveProperty('sVip');
    const bad = await admin('drivers', 'configure', 'pool-1', 'mPort=abc', 'mVip=', 'bogus=1');
    expect(bad.code).toBe(ExitCode.failed);
    expect(bad.err).toMatch(/^CHASSIS_E_PROPS_INVALID: /);
    expect(bad.err).toContain('- mVip:');
    expect(bad.err).toContain('- mPort:');
    expect(bad.err).toContain('- bogus:');
    const json = await admin('drivers', 'configure', 'pool-1', 'mPort=abc', '--json');
    expect(JSON.parse(json.err).error.code).toBe('CHASSIS_E_PROPS_INVALID');
  });

  it('upgrades with a canary policy, rolls back, and lists resources with their bound versions', async () => {
    const args = ['drivers', 'upgrade', 'com.example.solidfire', '--policy', 'canary'];
    // Not a terminal and no --yes: nobody confirmed, nothing moves.
    const unconfirmed = await admin(...args, '--canaries', '1');
    expect([unconfirmed.code, unconfirmed.err]).toEqual([
      2,
      'CHASSIS_E_CLI_USAGE: Not a terminal, so nobody can confirm: pass --yes to apply without asking.\n',
    ]);
    expect(runtime.getResource('pool-1').binding.version).toBe('2.0.0');
    const up = await admin(...args, '--canaries', '1', '--yes');
    expect(up.code).toBe(0);
    expect(up.out).toContain(
      'upgrade com.example.solidfire 2.0.0 → 2.1.0: succeeded; moved pool-1, pool-2',
    );
    const list = await admin('resources', 'list', '--driver', 'com.example.solidfire');
    expect(list.out).toMatch(/pool-1\s+primary-storage-pool\s+com\.example\.solidfire\s+2\.1\.0/);
    const back = await admin('drivers', 'rollback', 'com.example.solidfire', '--json');
    expect(JSON.parse(back.out)).toMatchObject({ action: 'rollback', to: '2.0.0' });
    // As in the runtime, a rollback without --to returns to the version the last one left.
    const toggled = await admin('drivers', 'rollback', 'com.example.solidfire', '--json');
    expect(JSON.parse(toggled.out)).toMatchObject({ from: '2.0.0', to: '2.1.0' });
    const chosen = await admin('drivers', 'rollback', 'com.example.solidfire', '--to', '2.0.0');
    expect([chosen.code, chosen.out]).toEqual([
      0,
      'rollback com.example.solidfire 2.1.0 → 2.0.0: succeeded; moved pool-1, pool-2\n',
    ]);
    const none = await admin('drivers', 'rollback', 'com.example.solidfire', '--to', '9.9.9');
    expect([none.code, none.err.split(':')[0]]).toEqual([1, 'CHASSIS_E_UPGRADE_VERSION_NOT_KEPT']);
    expect(none.err).toContain('kept versions: 2.1.0, 2.0.0');
  });

  it('installs an uploaded CAR and from the repository, restarts, uninstalls', async () => {
    const car = await buildFixtureCar(dir, { id: 'com.example.cli', version: '1.2.3' });
    const up = await admin('drivers', 'install', car);
    expect([up.code, up.out.trim()]).toEqual([0, 'install com.example.cli 1.2.3: succeeded']);
    const fromRepo = await admin(
      'drivers',
      'install',
      'com.example.solidfire',
      '--version',
      '2.0.0',
    );
    expect(fromRepo.err).toMatch(/^CHASSIS_E_UPGRADE_SAME_VERSION: /);
    const restart = await admin('drivers', 'restart', 'com.example.kvm');
    expect(restart.out.trim()).toBe('restarted com.example.kvm@1.0.0: Running');
    const bound = await admin('drivers', 'uninstall', 'org.example.nvp');
    expect(bound.err).toMatch(/^CHASSIS_E_UNINSTALL_BOUND: /);
    const gone = await admin('drivers', 'uninstall', 'org.example.nvp', '--force');
    expect(gone.code).toBe(0);
    expect((await admin('drivers', 'show', 'org.example.nvp')).err).toMatch(
      /^CHASSIS_E_UPGRADE_NOT_INSTALLED: /,
    );
  });

  it('uses exit codes scripts can rely on: 1 for typed errors, 2 for usage', async () => {
    const denied = await run(
      'drivers',
      'rollback',
      'com.example.solidfire',
      '--url',
      url,
      '--token',
      VIEWER,
    );
    expect([denied.code, denied.err.split(':')[0]]).toEqual([1, 'CHASSIS_E_AUTH_DENIED']);
    const anon = await run('drivers', 'list', '--url', url);
    expect(anon.err).toMatch(/^CHASSIS_E_AUTH_REQUIRED: /);
    expect((await admin('drivers', 'upgrade', 'x', '--policy', 'big-bang')).code).toBe(
      ExitCode.usage,
    );
    expect((await admin('drivers', 'upgrade', 'x', '--canaries', '0')).code).toBe(ExitCode.usage);
    const novalue = await admin('drivers', 'configure', 'pool-1', 'novalue');
    expect([novalue.code, novalue.err]).toEqual([
      ExitCode.usage,
      'CHASSIS_E_CLI_USAGE: "novalue" is not key=value.\n',
    ]);
    const down = await run('drivers', 'list', '--url', 'http://127.0.0.1:1', '--token', 't');
    expect([down.code, down.err.split(':')[0]]).toEqual([1, 'CHASSIS_E_CLI_UNREACHABLE']);
  });

  it('honours CHASSIS_URL and CHASSIS_TOKEN', async () => {
    process.env.CHASSIS_URL = url;
    process.env.CHASSIS_TOKEN = VIEWER;
    try {
      const res = await run('resources', 'list', '--json');
      expect(res.code).toBe(0);
      expect(JSON.parse(res.out).length).toBeGreaterThan(0);
    } finally {
      delete process.env.CHASSIS_URL;
      delete process.env.CHASSIS_TOKEN;
    }
  });
});

describe('chassis events', () => {
  it('prints live events, one JSON object a line with --json, and stops after --count', async () => {
    const before = runtime.observerCount();
    const done = admin('events', '--json', '--types', 'lifecycle', '--count', '2');
    // Let the stream subscribe before the events happen (bounded wait).
    for (let i = 0; i < 200 && runtime.observerCount() <= before; i++)
      await new Promise((r) => setTimeout(r, 10));
    await runtime.restart('com.example.kvm', {}, { id: 't', roles: [] }).catch(() => {});
    runtime.setState('com.example.kvm', '1.0.0', 'Failed');
    runtime.setState('com.example.kvm', '1.0.0', 'Starting');
    const res = await done;
    expect(res.code).toBe(0);
    const lines = res.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ event: 'lifecycle', data: { driver: 'com.example.kvm' } });
  });

  it('prints human lines without --json', async () => {
    const before = runtime.observerCount();
    const done = admin('events', '--types', 'updates', '--count', '1');
    for (let i = 0; i < 200 && runtime.observerCount() <= before; i++)
      await new Promise((r) => setTimeout(r, 10));
    await runtime.checkUpdates();
    const res = await done;
    expect(res.out).toMatch(/^updates \d+ available\n$/);
  });
});
