import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_RESOURCES } from '@chassis/example-management-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRequest, closedUrl } from './support/admin-http.js';
import {
  type CliRun,
  chassis,
  chassisFor,
  json,
  startChassis,
  waitForOutput,
} from './support/chassis-cli.js';
import { packSolidFireVariant } from './support/driver-cars.js';
import { type ServedExample, startServe } from './support/serve.js';
import type {
  DriverView,
  ErrorView,
  EventLine,
  RecordView,
  ResourceView,
} from './support/views.js';

/**
 * Black-box test of the `chassis` CLI and the raw admin HTTP API against the real example
 * management server (`main.js serve --admin-port 0`), as an operator drives it: one server for
 * the whole file, the steps below run in order and build on each other (configure, install
 * 1.1.0, canary upgrade, rollback, a version that fails its health check, one that cannot
 * start, an uninstall that must be refused).
 */

const SF = 'com.example.solidfire';
/** Per test: a few CLI starts in a row, each about a second on a busy 2-core machine. */
const LONG = 60_000;
const IDS = ['com.example.kvm', 'com.example.nvp', SF];
/** A second pool, created over HTTP, so that a canary upgrade has a "rest" after its canary. */
const POOL2_SECRET = 'pool-2-Secret-7fq2Lz';
const SECRETS = [
  POOL2_SECRET,
  ...DEMO_RESOURCES.flatMap((r) =>
    Object.entries(r.properties)
      .filter(([k]) => /password/i.test(k))
      .map(([, v]) => String(v)),
  ),
];

let server: ServedExample;
let cli: ReturnType<typeof chassisFor>;
let work: string;
const cars: Record<'v110' | 'unhealthy' | 'noStart', string> = {
  v110: '',
  unhealthy: '',
  noStart: '',
};
/** Every CLI and HTTP output of the file, checked for secrets at the end. */
const seen: string[] = [];

async function run(args: readonly string[], env?: Record<string, string | undefined>) {
  const r = await cli(args, env);
  seen.push(r.stdout, r.stderr);
  return r;
}

/** The SolidFire resources through `chassis resources list --json` (what the brief's operator reads). */
async function resourcesViaCli(): Promise<ResourceView[]> {
  const r = await run(['resources', 'list', '--driver', SF, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return json<ResourceView[]>(r, 'resources list');
}

/** The same over HTTP: a quicker check between CLI steps (a CLI start costs ~1 s when busy). */
async function resources(): Promise<ResourceView[]> {
  const r = await adminRequest<ResourceView[]>(server.url, `/api/resources?driverId=${SF}`, {
    token: server.token,
  });
  seen.push(r.text);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

/** `chassis drivers show com.example.solidfire --json`. */
async function showViaCli(): Promise<DriverView> {
  const r = await run(['drivers', 'show', SF, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return json<DriverView>(r, 'drivers show');
}

/** `GET /api/drivers/com.example.solidfire`. */
async function showSf(): Promise<DriverView> {
  const r = await adminRequest<DriverView>(server.url, `/api/drivers/${SF}`, {
    token: server.token,
  });
  seen.push(r.text);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

const bindings = (rs: readonly ResourceView[]) =>
  Object.fromEntries(rs.map((r) => [r.resource.id, r.binding.version]));

function expectFailure(r: CliRun, code: string): void {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
  expect(r.stderr.startsWith(`${code}: `), r.stderr).toBe(true);
  expect(r.stdout).toBe('');
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chassis-cli-http-'));
  // The variants are packed while the server starts: both take a few seconds on a busy machine.
  const [s, ...packed] = await Promise.allSettled([
    startServe(),
    packSolidFireVariant(work, { version: '1.1.0' }),
    packSolidFireVariant(work, { version: '1.2.0', fault: 'unhealthy' }),
    packSolidFireVariant(work, { version: '1.2.1', fault: 'start-throws' }),
  ]);
  // Keep a started server even when packing failed, so that afterAll stops it.
  if (s.status === 'fulfilled') server = s.value;
  for (const r of [s, ...packed]) if (r.status === 'rejected') throw r.reason;
  const [v110, unhealthy, noStart] = packed.map((r) => (r as PromiseFulfilledResult<string>).value);
  Object.assign(cars, { v110, unhealthy, noStart });
  cli = chassisFor(server);
}, 60_000);

afterAll(async () => {
  const code = await server?.stop();
  await rm(work, { recursive: true, force: true });
  // The server must have shut down cleanly (SIGTERM → exit 0) after everything below.
  expect(code).toBe(0);
}, 30_000);

describe('chassis drivers / resources against the example server', { timeout: LONG }, () => {
  it('drivers list: a table, and --json with the three drivers Running at 1.0.0, confined (process tier: not trusted)', async () => {
    const [table, asJson] = await Promise.all([
      run(['drivers', 'list']),
      run(['drivers', 'list', '--json']),
    ]);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+CATEGORY\s+VERSION\s+STATE\s+TIER\s+SIGNED\s+UPDATE/);
    for (const id of IDS) {
      expect(lines.find((l) => l.startsWith(`${id} `))).toMatch(/\s1\.0\.0\s+Running\s+process\s/);
    }

    expect(asJson.code, asJson.stderr).toBe(0);
    const rows = json<DriverView[]>(asJson, 'drivers list');
    expect(rows.map((d) => [d.id, d.category, d.activeVersion, d.state, d.tier])).toEqual([
      ['com.example.kvm', 'hypervisor', '1.0.0', 'Running', 'process'],
      ['com.example.nvp', 'network', '1.0.0', 'Running', 'process'],
      [SF, 'storage', '1.0.0', 'Running', 'process'],
    ]);
  });

  it('drivers show --json: versions, state Running, the configuration form with labels (en and fr)', async () => {
    const [en, fr] = await Promise.all([
      run(['drivers', 'show', SF, '--json']),
      run(['drivers', 'show', SF, '--locale', 'fr', '--json']),
    ]);
    expect(en.code, en.stderr).toBe(0);
    const d = json<DriverView>(en, 'drivers show');
    expect(d.versions.map((v) => [v.version, v.state, v.active, v.resources])).toEqual([
      ['1.0.0', 'Running', true, ['pool-1']],
    ]);
    const form = new Map(d.versions[0]!.form!.map((f) => [f.key, f]));
    expect(form.get('mVip')).toMatchObject({
      label: 'Management VIP',
      type: 'string',
      required: true,
    });
    expect(form.get('mPort')).toMatchObject({
      label: 'Management port',
      type: 'number',
      default: 443,
    });
    expect(form.get('clusterAdminPassword')).toMatchObject({ masked: true, required: true });
    expect(d.resources?.map((r) => [r.resource.id, r.binding.version])).toEqual([
      ['pool-1', '1.0.0'],
    ]);

    expect(fr.code, fr.stderr).toBe(0);
    const frForm = json<DriverView>(fr).versions[0]!.form!;
    expect(frForm.find((f) => f.key === 'mVip')?.label).toBe('VIP de gestion');
  });

  it('resources list: bound versions, secrets masked in the table and in --json', async () => {
    const [table, asJson] = await Promise.all([
      run(['resources', 'list']),
      run(['resources', 'list', '--json']),
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      /^pool-1\s+primary-storage-pool\s+com\.example\.solidfire\s+1\.0\.0/m,
    );
    expect(asJson.code, asJson.stderr).toBe(0);
    const rows = json<ResourceView[]>(asJson, 'resources list');
    expect(rows.map((r) => `${r.resource.id}→${r.binding.driverId}@${r.binding.version}`)).toEqual([
      'kvm-1→com.example.kvm@1.0.0',
      'nvp-1→com.example.nvp@1.0.0',
      `pool-1→${SF}@1.0.0`,
    ]);
    const pool = rows.find((r) => r.resource.id === 'pool-1')!;
    expect(pool.configuration).toMatchObject({
      mVip: '10.20.0.10',
      mPort: 443,
      clusterAdminPassword: '••••••',
    });
    for (const r of rows) {
      for (const [k, v] of Object.entries(r.configuration)) {
        if (/password/i.test(k)) expect(v, `${r.resource.id}.${k}`).toBe('••••••');
      }
    }
    for (const s of SECRETS) expect(table.stdout + asJson.stdout).not.toContain(s);
  });

  it('drivers configure with a 300-character mVip and mPort=abc: exit 1, CHASSIS_E_PROPS_INVALID, every violation, nothing changed', async () => {
    const bad = ['drivers', 'configure', 'pool-1', `mVip=${'v'.repeat(300)}`, 'mPort=abc'];
    const [human, asJson] = await Promise.all([run(bad), run([...bad, '--json'])]);
    expectFailure(human, 'CHASSIS_E_PROPS_INVALID');
    const listed = human.stderr
      .split('\n')
      .flatMap((l) => /^ {2}- (\w+): ./.exec(l)?.slice(1, 2) ?? []);
    expect(listed.sort()).toEqual(['mPort', 'mVip']);
    expect(human.stderr).toMatch(/- mVip: .*255/);
    expect(human.stderr).toMatch(/- mPort: .*number/);

    expect(asJson.code).toBe(1);
    const err = JSON.parse(asJson.stderr) as {
      error: ErrorView & { details: { violations: { key: string; rule: string }[] } };
    };
    expect(err.error.code).toBe('CHASSIS_E_PROPS_INVALID');
    expect(err.error.details.violations.map((v) => `${v.key}:${v.rule}`).sort()).toEqual([
      'mPort:type',
      'mVip:maxLength',
    ]);

    const pool = (await resources()).find((r) => r.resource.id === 'pool-1')!;
    expect(pool.configuration).toMatchObject({ mVip: '10.20.0.10', mPort: 443 });
  });

  it('drivers configure with good values: exit 0, values typed by the form, secret kept masked', async () => {
    const r = await run(['drivers', 'configure', 'pool-1', 'mPort=8443', 'maxIops=20000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`configured pool-1 (${SF}@1.0.0)`);
    expect(r.stdout).toMatch(/^mPort\s+8443$/m);
    expect(r.stdout).toMatch(/^clusterAdminPassword\s+••••••$/m);
    const pool = (await resources()).find((x) => x.resource.id === 'pool-1')!;
    expect(pool.configuration).toMatchObject({
      mVip: '10.20.0.10',
      mPort: 8443,
      maxIops: 20000,
      clusterAdminPassword: '••••••',
    });
  });

  it('a second pool created over HTTP is validated, stored and shown masked', async () => {
    const properties = {
      mVip: '10.20.0.20',
      sVip: '10.20.1.20',
      clusterAdminUsername: 'cloudstack',
      clusterAdminPassword: POOL2_SECRET,
    };
    const refused = await adminRequest<ErrorView>(server.url, '/api/resources', {
      method: 'POST',
      token: server.token,
      body: {
        id: 'pool-2',
        kind: 'primary-storage-pool',
        driverId: SF,
        properties: { ...properties, mVip: undefined, mPort: 'x' },
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('CHASSIS_E_PROPS_INVALID');
    const created = await adminRequest<ResourceView>(server.url, '/api/resources', {
      method: 'POST',
      token: server.token,
      body: { id: 'pool-2', kind: 'primary-storage-pool', driverId: SF, properties },
    });
    seen.push(refused.text, created.text);
    expect(created.status, created.text).toBe(201);
    expect(created.body.binding.version).toBe('1.0.0');
    expect(created.body.configuration.clusterAdminPassword).toBe('••••••');
    expect(bindings(await resources())).toEqual({ 'pool-1': '1.0.0', 'pool-2': '1.0.0' });
  });

  it('drivers install <1.1.0 CAR>: loaded beside 1.0.0, nothing moves yet', async () => {
    const r = await run(['drivers', 'install', cars.v110]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`install ${SF} 1.1.0: succeeded`);
    const d = await showSf();
    expect(d.activeVersion).toBe('1.0.0');
    expect(d.versions.map((v) => [v.version, v.state, v.active, v.resources])).toEqual([
      ['1.0.0', 'Running', true, ['pool-1', 'pool-2']],
      ['1.1.0', 'Running', false, []],
    ]);
  });

  it('chassis events --json follows a canary upgrade to 1.1.0: Suspended → Running of 1.0.0, then the record; resources kept', async () => {
    // One event at connection (the current update notices), then the upgrade's: 1.0.0
    // suspended and resumed per batch (canary, then the rest), 1.0.0 stopped and unloaded
    // once no resource uses it, and the finished upgrade record.
    const events = startChassis(['events', '--json', '--count', '9'], {
      env: { CHASSIS_URL: server.url, CHASSIS_TOKEN: server.token },
      timeoutMs: 30_000,
    });
    await waitForOutput(events, (out) => out.includes('"event":"updates"'));

    const up = await run([
      'drivers',
      'upgrade',
      SF,
      '--version',
      '1.1.0',
      '--policy',
      'canary',
      '--canaries',
      '1',
      '--yes',
    ]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout.trim()).toBe(`upgrade ${SF} 1.0.0 → 1.1.0: succeeded; moved pool-1, pool-2`);

    const ended = await events.done;
    seen.push(ended.stdout, ended.stderr);
    expect(ended.code, ended.stderr).toBe(0);
    const lines = ended.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EventLine);
    expect(lines).toHaveLength(9);
    expect(lines[0]).toEqual({ event: 'updates', data: [] });
    const lifecycle = lines
      .filter((l) => l.event === 'lifecycle')
      .map((l) => `${l.data.driver}@${l.data.version} ${l.data.from}→${l.data.to}`);
    expect(lifecycle).toEqual([
      `${SF}@1.0.0 Running→Suspended`,
      `${SF}@1.0.0 Suspended→Running`,
      `${SF}@1.0.0 Running→Suspended`,
      `${SF}@1.0.0 Suspended→Running`,
      `${SF}@1.0.0 Running→Stopping`,
      `${SF}@1.0.0 Stopping→Stopped`,
      `${SF}@1.0.0 Stopped→Unloaded`,
    ]);
    const record = lines.at(-1)!;
    expect(record.event).toBe('upgrade');
    expect(record.data).toMatchObject({
      action: 'upgrade',
      from: '1.0.0',
      to: '1.1.0',
      result: 'succeeded',
      policy: { kind: 'canary', canaries: 1 },
    });

    const d = await showViaCli();
    expect(d.activeVersion).toBe('1.1.0');
    expect(d.state).toBe('Running');
    expect(d.versions.map((v) => [v.version, v.state, v.active, v.resources])).toEqual([
      ['1.0.0', 'Unloaded', false, []],
      ['1.1.0', 'Running', true, ['pool-1', 'pool-2']],
    ]);
    // The detail lists the driver's resources: both moved, their configuration kept.
    const rs = d.resources ?? [];
    expect(bindings(rs)).toEqual({ 'pool-1': '1.1.0', 'pool-2': '1.1.0' });
    expect(rs.find((r) => r.resource.id === 'pool-1')?.configuration).toMatchObject({
      mVip: '10.20.0.10',
      mPort: 8443,
      maxIops: 20000,
      clusterAdminPassword: '••••••',
    });
  });

  it('drivers rollback: back to 1.0.0 (reloaded from its kept CAR), resources follow', async () => {
    const r = await run(['drivers', 'rollback', SF]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`rollback ${SF} 1.1.0 → 1.0.0: succeeded; moved pool-1, pool-2`);
    const d = await showSf();
    expect(d.activeVersion).toBe('1.0.0');
    expect(d.versions.find((v) => v.active)).toMatchObject({ version: '1.0.0', state: 'Running' });
    expect(bindings(await resources())).toEqual({ 'pool-1': '1.0.0', 'pool-2': '1.0.0' });
  });

  it('a version whose health check fails installs, but its canary upgrade is rolled back: exit 1, CHASSIS_E_UPGRADE_HEALTH_FAILED, resources stay on 1.0.0', async () => {
    const install = await run(['drivers', 'install', cars.unhealthy]);
    expect(install.code, install.stderr).toBe(0);
    const up = await run([
      'drivers',
      'upgrade',
      SF,
      '--version',
      '1.2.0',
      '--policy',
      'canary',
      '--canaries',
      '1',
      '--yes',
    ]);
    expectFailure(up, 'CHASSIS_E_UPGRADE_HEALTH_FAILED');
    expect(bindings(await resourcesViaCli())).toEqual({ 'pool-1': '1.0.0', 'pool-2': '1.0.0' });
    const d = await showSf();
    expect(d.activeVersion).toBe('1.0.0');
    expect(d.versions.find((v) => v.version === '1.2.0')).toMatchObject({
      active: false,
      resources: [],
    });
    const history = await adminRequest<RecordView[]>(server.url, `/api/upgrades?driverId=${SF}`, {
      token: server.token,
    });
    expect(history.status).toBe(200);
    expect(history.body.at(-1)).toMatchObject({
      action: 'upgrade',
      from: '1.0.0',
      to: '1.2.0',
      result: 'rolled-back',
      error: { code: 'CHASSIS_E_UPGRADE_HEALTH_FAILED' },
    });
  });

  it('a version whose start throws is refused at install: exit 1, CHASSIS_E_UPGRADE_START_FAILED, nothing moves', async () => {
    const r = await run(['drivers', 'install', cars.noStart]);
    expectFailure(r, 'CHASSIS_E_UPGRADE_START_FAILED');
    const d = await showSf();
    expect(d.versions.map((v) => v.version)).not.toContain('1.2.1');
    expect(d.activeVersion).toBe('1.0.0');
    expect(d.state).toBe('Running');
    expect(bindings(await resources())).toEqual({ 'pool-1': '1.0.0', 'pool-2': '1.0.0' });
  });

  it('drivers uninstall while resources are bound: exit 1, CHASSIS_E_UNINSTALL_BOUND, the driver stays', async () => {
    const r = await run(['drivers', 'uninstall', SF]);
    expectFailure(r, 'CHASSIS_E_UNINSTALL_BOUND');
    expect(r.stderr).toContain('pool-1');
    const d = await showSf();
    expect(d.activeVersion).toBe('1.0.0');
    expect(d.state).toBe('Running');
  });

  it('no output of the CLI or the API above contains a secret value', () => {
    expect(seen.length).toBeGreaterThan(20);
    const all = seen.join('\n');
    for (const s of SECRETS) expect(all).not.toContain(s);
    // Nor what the server itself printed (it lists the resources at start, masked).
    expect(server.stdout()).toContain('clusterAdminPassword=••••••');
    for (const s of SECRETS) expect(server.stdout() + server.stderr()).not.toContain(s);
  });
});

describe('the raw admin HTTP API', { timeout: LONG }, () => {
  it('refuses a missing or unknown token with 401 and { code, message }; the query token only works for /events', async () => {
    const none = await adminRequest<ErrorView>(server.url, '/api/drivers');
    expect(none.status).toBe(401);
    expect(none.contentType).toContain('application/json');
    expect(none.body).toMatchObject({ code: 'CHASSIS_E_AUTH_REQUIRED' });
    expect(typeof none.body.message).toBe('string');

    const unknown = await adminRequest<ErrorView>(server.url, '/api/drivers', {
      token: 'not-the-token',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('CHASSIS_E_AUTH_INVALID');

    const mutation = await adminRequest<ErrorView>(server.url, `/api/drivers/${SF}/rollback`, {
      method: 'POST',
    });
    expect(mutation.status).toBe(401);

    const inQuery = await adminRequest<ErrorView>(
      server.url,
      `/api/drivers?token=${encodeURIComponent(server.token)}`,
    );
    expect(inQuery.status).toBe(401);
    // EventSource cannot send headers: /events alone takes the token as a query parameter.
    const stream = await fetch(`${server.url}/events?token=${encodeURIComponent(server.token)}`, {
      signal: AbortSignal.timeout(15_000),
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    await stream.body?.cancel();
    const streamBadToken = await adminRequest<ErrorView>(server.url, '/events?token=nope');
    expect(streamBadToken.status).toBe(401);

    const cliWrongToken = await run(['drivers', 'list'], { CHASSIS_TOKEN: 'not-the-token' });
    expectFailure(cliWrongToken, 'CHASSIS_E_AUTH_INVALID');
  });

  it('answers an unknown driver and an unknown route with typed JSON errors', async () => {
    const driver = await adminRequest<ErrorView>(server.url, '/api/drivers/com.example.nope', {
      token: server.token,
    });
    expect(driver.status).toBe(404);
    expect(driver.body.code).toBe('CHASSIS_E_UPGRADE_NOT_INSTALLED');
    const route = await adminRequest<ErrorView>(server.url, '/api/nope', { token: server.token });
    expect(route.status).toBe(404);
    expect(route.body.code).toBe('CHASSIS_E_ADMIN_NOT_FOUND');
  });

  it('serves /openapi.json (valid JSON listing /api/drivers) and /metrics naming every driver', async () => {
    const [openapi, metrics, anonymousMetrics, health] = await Promise.all([
      adminRequest<{ openapi: string; paths: Record<string, unknown> }>(
        server.url,
        '/openapi.json',
        { token: server.token },
      ),
      adminRequest<string>(server.url, '/metrics', { token: server.token }),
      adminRequest(server.url, '/metrics'),
      adminRequest<{ status: string }>(server.url, '/healthz'),
    ]);
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/api/drivers', '/api/resources', '/events', '/metrics']),
    );

    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toContain('text/plain');
    for (const id of IDS) {
      expect(metrics.text).toMatch(
        new RegExp(
          `^chassis_driver_state\\{driver="${id.replaceAll('.', '\\.')}",version="1\\.0\\.0",state="Running",active="true"\\} 1$`,
          'm',
        ),
      );
    }
    expect(metrics.text).toMatch(
      /^chassis_driver_resources\{driver="com\.example\.solidfire",version="1\.0\.0"\} 2$/m,
    );
    expect(anonymousMetrics.status).toBe(401);
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

describe('chassis failures scripts can rely on', { timeout: LONG }, () => {
  it('an unreachable --url is CHASSIS_E_CLI_UNREACHABLE, exit 1', async () => {
    const url = await closedUrl();
    const [viaFlag, viaEnv] = await Promise.all([
      chassis(['drivers', 'list', '--url', url, '--token', server.token]),
      chassis(['resources', 'list', '--json'], { env: { CHASSIS_URL: url, CHASSIS_TOKEN: 't' } }),
    ]);
    expectFailure(viaFlag, 'CHASSIS_E_CLI_UNREACHABLE');
    expect(viaFlag.stderr).toContain(url);
    expect(viaEnv.code).toBe(1);
    expect(JSON.parse(viaEnv.stderr)).toMatchObject({
      error: { code: 'CHASSIS_E_CLI_UNREACHABLE' },
    });
  });

  it('bad usage exits 2 and says why on stderr', async () => {
    const runs = await Promise.all(
      [
        ['drivers', 'frobnicate'],
        ['drivers', 'upgrade', SF, '--policy', 'sideways'],
        ['events', '--count', '0'],
      ].map((args) => run(args)),
    );
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(runs[0]!.stderr).toContain('frobnicate');
    expect(runs[1]!.stderr).toContain('sideways');
    expect(runs[2]!.stderr).toContain('--count');
    // Nothing reached the server: the last action is still the refused uninstall.
    const history = await adminRequest<RecordView[]>(server.url, '/api/upgrades', {
      token: server.token,
    });
    expect(history.body.at(-1)).toMatchObject({ action: 'uninstall', result: 'failed' });
  });
});
