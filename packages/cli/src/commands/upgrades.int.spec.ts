import { type AdminServer, createAdminServer } from '@chassis/admin';
import { createFakeRuntime, type FakeRuntime } from '@chassis/admin/testing';
import { ChassisError } from '@chassis/kernel/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/run.js';
import { ExitCode } from '../run.js';

const ADMIN = 'cli-upgrades-admin-token-0123456789';
const D = 'com.example.solidfire';
let server: AdminServer;
let runtime: FakeRuntime;
let url: string;

const admin = (...argv: string[]) => run(...argv, '--url', url, '--token', ADMIN);

beforeAll(async () => {
  // Slow steps: an upgrade is still running while the CLI follows it.
  runtime = createFakeRuntime({ stepDelayMs: 40 });
  server = createAdminServer({
    runtime,
    logger: false,
    auth: { tokens: { [ADMIN]: { id: 'cli', roles: ['admin'] } } },
  });
  url = await server.listen({ port: 0 });
});
afterAll(async () => {
  await server?.close();
});

/** `chassis drivers upgrade|rollback` accepted by id and followed; `chassis upgrades`. */
describe('chassis drivers upgrade / rollback follow the accepted action (real admin server)', () => {
  it('follows an upgrade to its end with progress lines on stderr and the record on stdout', async () => {
    const up = await admin(
      'drivers',
      'upgrade',
      D,
      '--policy',
      'all-at-once',
      '--yes',
      '--progress',
    );
    expect([up.code, up.out]).toEqual([
      ExitCode.ok,
      `upgrade ${D} 2.0.0 → 2.1.0: succeeded; moved pool-1, pool-2\n`,
    ]);
    const lines = up.err.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^upgrade ${D} 2\\.0\\.0 → 2\\.1\\.0: running`));
    expect(lines.at(-1)).toMatch(/: succeeded/);
    // --json keeps stdout the record the synchronous call returned, and stderr quiet.
    const back = await admin('drivers', 'rollback', D, '--json', '--progress');
    expect(back.code).toBe(0);
    expect(JSON.parse(back.out)).toMatchObject({ action: 'rollback', result: 'succeeded' });
    expect(back.err).toBe('');
  });

  it('--no-wait prints only the id; upgrades show prints and follows it', async () => {
    const sent = await admin('drivers', 'upgrade', D, '--yes', '--no-wait');
    expect(sent.code).toBe(0);
    const id = sent.out.trim();
    expect(id).toMatch(/^u-\d+$/);
    expect(sent.err).toContain(`chassis upgrades show ${id} --wait`);
    const shown = await admin('upgrades', 'show', id);
    expect(shown.out).toMatch(
      new RegExp(`^upgrade ${D} 2\\.0\\.0 → 2\\.1\\.0: (running|succeeded)`),
    );
    const waited = await admin('upgrades', 'show', id, '--wait');
    expect([waited.code, waited.out.trim()]).toEqual([
      0,
      `upgrade ${D} 2.0.0 → 2.1.0: succeeded; moved pool-1, pool-2`,
    ]);
    const list = await admin('upgrades', 'list', '--driver', D);
    expect(list.out).toContain(`${id}  upgrade ${D} 2.0.0 → 2.1.0: succeeded`);
  });

  it('a failed upgrade exits 1 with its typed code; an unknown id with the not-found code', async () => {
    await admin('drivers', 'rollback', D);
    runtime.failNext(
      'upgrade',
      new ChassisError('CHASSIS_E_UPGRADE_HEALTH_FAILED', 'injected: unhealthy', {
        details: { driver: D },
      }),
    );
    const failed = await admin('drivers', 'upgrade', D, '--yes');
    expect(failed.code).toBe(ExitCode.failed);
    // Off a terminal, without --progress, stderr is the error alone (as for every command).
    expect(failed.err).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED: injected: unhealthy\n');
    const unknown = await admin('upgrades', 'show', 'no-such-id');
    expect([unknown.code, unknown.err.split(':')[0]]).toEqual([1, 'CHASSIS_E_UPGRADE_NOT_FOUND']);
    // A bound too short to see it end: typed, naming how to follow it.
    const short = await admin('drivers', 'upgrade', D, '--yes', '--wait-timeout', '1');
    expect(short.code).toBe(ExitCode.failed);
    expect(short.err).toMatch(/^CHASSIS_E_CLI_WAIT_TIMEOUT: .*chassis upgrades show u-\d+ --wait/m);
    const bad = await admin('drivers', 'upgrade', D, '--yes', '--wait-timeout', 'soon');
    expect(bad.code).toBe(ExitCode.usage);
  });
});
