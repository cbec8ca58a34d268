import { type ChildProcess, spawn } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import {
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CERTIFICATE_PATH,
  MANIFEST_PATH,
  readCarEntries,
  SIGNATURE_PATH,
  writeCar,
} from '@chassis/car';
import { DEMO_RESOURCES } from '@chassis/example-management-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The signed-repository flow, black-box, as an operator and a vendor would run it: the real
 * `chassis` binary (CA, signing, TUF repository, admin commands) and the real example server
 * process (`serve --tuf-repository --trusted-root --ca`), all on 127.0.0.1.
 *
 * Vendor: project CA → certificate for "Example Storage Inc." (com.example.) → sign the packed
 * SolidFire CAR 1.0.0 and a repacked 1.1.0 → publish 1.0.0. Operator: install by id, see 1.1.0
 * offered once published, upgrade in place, find it in the install lock. Refused on the way:
 * an unsigned upload, a CAR signed for another id prefix, a start against a mismatching lock.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'packages/cli/dist/bin.js');
const MAIN = join(ROOT, 'examples/management-server/dist/main.js');
const CARS = join(ROOT, 'examples/management-server/dist/repository');
const SOLIDFIRE_PROJECT = join(ROOT, 'examples/drivers/solidfire-storage');
const STORAGE = 'com.example.solidfire';
const POOL = DEMO_RESOURCES.find((r) => r.driverId === STORAGE)!;

/** The environment without CHASSIS_* settings (URL, token, data dir...): only the flags count. */
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('CHASSIS_')),
);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <script> ...args` to its end (at most 20 s). */
function run(script: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: ENV,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not exit within 20 s:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `chassis ...args`, which must succeed; returns its stdout. */
async function chassis(...args: string[]): Promise<string> {
  const r = await run(CLI, args);
  expect(r.code, `chassis ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** A running example server: its output so far, and a SIGTERM stop returning the exit code. */
interface Server {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts `main.js serve ...args` and waits (at most 20 s) until it says it is running. */
async function serve(args: readonly string[]): Promise<Server> {
  const child = spawn(process.execPath, [MAIN, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: ENV,
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const server: Server = {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const ready = await Promise.race([
    until(() => out.includes('press Ctrl-C to stop'), 45_000).then(() => true),
    exited.then(() => false),
  ]);
  if (!ready) throw new Error(`the server exited before it was running:\n${out}`);
  return server;
}

/** Polls `ok` every 50 ms until it holds; fails after `ms`. */
async function until(ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface LockFile {
  lockVersion: number;
  drivers: { id: string; version: string; sha256: string }[];
}
const readLockFile = async (file: string): Promise<LockFile> =>
  JSON.parse(await readFile(file, 'utf8')) as LockFile;

let work: string;
let dataDir: string;
let server: Server | undefined;
let admin: string[];
let url: string;
let token: string;
/** Hex SHA-256 of the signed CARs, as `chassis car sign --json` reports them. */
const signed: Record<string, string> = {};
const files = {
  sf100: '',
  sf110: '',
  unsignedNvp: '',
  otherNvp: '',
};
let serverArgs: string[];

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`).toBe(true);
  return (await res.json()) as T;
}

/** `car sign --json`; remembers the signed CAR's digest. */
async function signAs(name: string, file: string, vendor: string): Promise<void> {
  const out = await chassis(
    'car',
    'sign',
    file,
    '--key',
    join(work, `${vendor}.key`),
    '--cert',
    join(work, `${vendor}.pem`),
    '--json',
  );
  signed[name] = (JSON.parse(out) as { sha256: string }).sha256;
}

/**
 * Other Networks Ltd. (com.other.) signs a com.example. driver. `chassis car sign` refuses that;
 * a rogue signer's own tool writes the same META-INF/SIGNATURE (Ed25519 over MANIFEST.MF) and
 * META-INF/CERT.pem that it would have written.
 */
async function signOutsidePrefix(file: string, vendor: string): Promise<void> {
  const key = join(work, `${vendor}.key`);
  const cert = join(work, `${vendor}.pem`);
  const r = await run(CLI, ['car', 'sign', file, '--key', key, '--cert', cert]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^CHASSIS_E_CERT_ID_PREFIX: /);
  const entries = await readCarEntries(file);
  entries.set(
    SIGNATURE_PATH,
    sign(null, entries.get(MANIFEST_PATH)!, createPrivateKey(await readFile(key, 'utf8'))),
  );
  entries.set(CERTIFICATE_PATH, await readFile(cert));
  await writeCar(entries, file);
}

/**
 * Version 1.1.0 of the SolidFire driver: a temporary copy of the driver project with the
 * version bumped in driver.yaml (same compiled classes/ and messages), packed as the vendor
 * would with `chassis car pack --bundle-deps` (its npm dependency linked in as pnpm does).
 */
async function packSolidFire110(): Promise<string> {
  const dir = join(work, 'solidfire-1.1.0');
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  for (const part of ['LICENSE', 'package.json', 'classes', 'resources'])
    await cp(join(SOLIDFIRE_PROJECT, part), join(dir, part), { recursive: true });
  const yaml = await readFile(join(SOLIDFIRE_PROJECT, 'driver.yaml'), 'utf8');
  expect(yaml).toMatch(/^version: 1\.0\.0$/m);
  await writeFile(join(dir, 'driver.yaml'), yaml.replace(/^version: 1\.0\.0$/m, 'version: 1.1.0'));
  await symlink(
    await realpath(join(SOLIDFIRE_PROJECT, 'node_modules/bytes')),
    join(dir, 'node_modules/bytes'),
  );
  const out = join(work, 'com.example.solidfire-1.1.0.car');
  await chassis('car', 'pack', dir, '--bundle-deps', '-o', out);
  return out;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chassis-repo-flow-'));
  dataDir = join(work, 'data');
  // The project CA issues two vendor certificates, each for its own driver-id prefix.
  await chassis('ca', 'init', join(work, 'ca'));
  await Promise.all([
    chassis(
      'ca',
      'issue',
      '--ca',
      join(work, 'ca'),
      '--vendor',
      'Example Storage Inc.',
      '--id-prefix',
      'com.example.',
      '--out',
      join(work, 'example'),
    ),
    chassis(
      'ca',
      'issue',
      '--ca',
      join(work, 'ca'),
      '--vendor',
      'Other Networks Ltd.',
      '--id-prefix',
      'com.other.',
      '--out',
      join(work, 'other'),
    ),
  ]);
  files.sf100 = join(work, 'com.example.solidfire-1.0.0.car');
  files.unsignedNvp = join(work, 'com.example.nvp-1.0.0.car');
  files.otherNvp = join(work, 'com.example.nvp-1.0.0.other-signed.car');
  await copyFile(join(CARS, 'com.example.solidfire-1.0.0.car'), files.sf100);
  await copyFile(join(CARS, 'com.example.nvp-1.0.0.car'), files.unsignedNvp);
  await copyFile(files.unsignedNvp, files.otherNvp);
  files.sf110 = await packSolidFire110();
  await Promise.all([
    signAs('sf100', files.sf100, 'example'),
    signAs('sf110', files.sf110, 'example'),
    signOutsidePrefix(files.otherNvp, 'other'),
  ]);

  // The repository starts with 1.0.0 only; the CA is checked at publish time too.
  const repo = join(work, 'repo');
  await chassis('repo', 'init', repo, '--keys', join(work, 'keys'));
  await chassis(
    'repo',
    'add',
    repo,
    files.sf100,
    '--keys',
    join(work, 'keys'),
    '--ca',
    join(work, 'ca/ca.pem'),
  );

  serverArgs = [
    '--data-dir',
    dataDir,
    '--tuf-repository',
    repo,
    '--trusted-root',
    join(repo, '1.root.json'),
    '--ca',
    join(work, 'ca/ca.pem'),
  ];
  server = await serve([...serverArgs, '--admin-port', '0']);
  url = /Admin API and web UI on (http:\/\/127\.0\.0\.1:\d+)\//.exec(server.output())![1]!;
  token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
  admin = ['--url', url, '--token', token];
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
}, 60_000);

interface DriverView {
  id: string;
  activeVersion?: string;
  state?: string;
  signature?: { signed: boolean; vendor?: string };
  versions: { version: string; state: string; active: boolean; resources: string[] }[];
  update?: { available: string };
}

describe('a signed TUF repository feeding the example server (chassis CLI + serve)', () => {
  it('starts empty, trusting only the project CA', () => {
    const out = server!.output();
    expect(out).toContain('CARs must be signed by a vendor certificate of the project CA');
    expect(out).toContain('unsigned CARs are refused');
    expect(out).not.toMatch(/lifecycle/);
  });

  it('installs com.example.solidfire by id from the repository, verified and signed', async () => {
    expect(await chassis('drivers', 'install', STORAGE, ...admin)).toMatch(
      /install com\.example\.solidfire 1\.0\.0: succeeded/,
    );
    const d = JSON.parse(
      await chassis('drivers', 'show', STORAGE, '--json', ...admin),
    ) as DriverView;
    expect(d.activeVersion).toBe('1.0.0');
    expect(d.signature).toMatchObject({ signed: true, vendor: 'Example Storage Inc.' });
    expect(d.versions.map((v) => `${v.version}:${v.state}`)).toEqual(['1.0.0:Running']);
    expect(server!.output()).toMatch(
      /lifecycle {2}storage {4}com\.example\.solidfire@1\.0\.0 +Starting → Running/,
    );
    // The lock pins exactly the CAR the vendor signed.
    const lockFile = join(dataDir, 'chassis.lock');
    await until(
      async () => (await readLockFile(lockFile).catch(() => undefined))?.drivers.length === 1,
    );
    expect((await readLockFile(lockFile)).drivers).toEqual([
      { id: STORAGE, version: '1.0.0', sha256: signed.sf100 },
    ]);
    // A resource bound to it, so that the upgrade has something to move.
    await api('POST', '/api/resources', {
      id: POOL.id,
      kind: POOL.kind,
      driverId: STORAGE,
      properties: POOL.properties,
    });
  });

  it.each([
    ['an unsigned CAR', () => files.unsignedNvp, 'CHASSIS_E_SIG_UNSIGNED'],
    [
      'a CAR signed by a vendor certificate for another prefix (com.other.)',
      () => files.otherNvp,
      'CHASSIS_E_CERT_ID_PREFIX',
    ],
  ])(
    'refuses %s uploaded with chassis drivers install, changing nothing',
    async (_what, file, code) => {
      const before = await api<DriverView[]>('GET', '/api/drivers');
      const lockBefore = await readFile(join(dataDir, 'chassis.lock'), 'utf8');
      const r = await run(CLI, ['drivers', 'install', file(), ...admin]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^${code}: .*com\\.example\\.nvp`));
      expect(await api<DriverView[]>('GET', '/api/drivers')).toEqual(before);
      expect(before.map((d) => d.id)).toEqual([STORAGE]);
      expect(await readFile(join(dataDir, 'chassis.lock'), 'utf8')).toBe(lockBefore);
      // The lifecycle follows the real steps: the CAR was read (Discovered), then refused by the
      // trust check, so it never got to Verified and nothing of it was loaded.
      expect(server!.output()).toMatch(
        new RegExp(`com\\.example\\.nvp@1\\.0\\.0 +Discovered → Failed +\\(${code}`),
      );
      expect(server!.output()).not.toMatch(
        /com\.example\.nvp@1\.0\.0 +\w+ → (Verified|Resolved|Loaded|Starting|Running)/,
      );
    },
  );

  it('notices 1.1.0 once it is published, upgrades in place and pins 1.1.0 in the lock', async () => {
    const repo = join(work, 'repo');
    const keys = join(work, 'keys');
    // Nothing newer yet.
    expect(await api('POST', '/api/updates/check')).toEqual([]);
    await chassis(
      'repo',
      'add',
      repo,
      files.sf110,
      '--keys',
      keys,
      '--ca',
      join(work, 'ca/ca.pem'),
    );
    await chassis('repo', 'index', repo, '--keys', keys);

    const notice = { id: STORAGE, installed: '1.0.0', available: '1.1.0', category: 'storage' };
    expect(await api('POST', '/api/updates/check')).toEqual([notice]);
    expect(await api('GET', '/api/updates')).toEqual([notice]);
    const listed = JSON.parse(await chassis('drivers', 'list', '--json', ...admin)) as DriverView[];
    expect(listed.find((d) => d.id === STORAGE)?.update?.available).toBe('1.1.0');
    await until(() =>
      /update +storage +com\.example\.solidfire 1\.0\.0 → 1\.1\.0 available/.test(server!.output()),
    );

    expect(await chassis('drivers', 'upgrade', STORAGE, '--yes', ...admin)).toMatch(
      /upgrade com\.example\.solidfire 1\.0\.0 → 1\.1\.0: succeeded; moved pool-1/,
    );
    const d = JSON.parse(
      await chassis('drivers', 'show', STORAGE, '--json', ...admin),
    ) as DriverView;
    expect(d.activeVersion).toBe('1.1.0');
    const active = d.versions.find((v) => v.active);
    expect(active).toMatchObject({ version: '1.1.0', state: 'Running', resources: [POOL.id] });
    expect(d.versions.find((v) => v.version === '1.0.0')?.resources).toEqual([]);

    const lockFile = join(dataDir, 'chassis.lock');
    await until(async () =>
      (await readLockFile(lockFile)).drivers.some((x) => x.version === '1.1.0'),
    );
    expect((await readLockFile(lockFile)).drivers).toEqual([
      { id: STORAGE, version: '1.0.0', sha256: signed.sf100 },
      { id: STORAGE, version: '1.1.0', sha256: signed.sf110 },
    ]);
    // The applied update is no longer offered.
    await until(async () => (await api<unknown[]>('GET', '/api/updates')).length === 0);
  });

  it('--verify-lock: serves with the matching lock, refuses a mismatching one (exit 1)', async () => {
    expect(await server!.stop()).toBe(0);
    server = undefined;
    const lockFile = join(dataDir, 'chassis.lock');
    const lockText = await readFile(lockFile, 'utf8');

    // A restart on the same data directory restores 1.1.0 and matches its own lock.
    const again = await serve([...serverArgs, '--verify-lock', lockFile]);
    expect(again.output()).toContain('the installed drivers match it');
    expect(again.output()).toMatch(
      /pool-1 +primary-storage-pool +→ com\.example\.solidfire@1\.1\.0/,
    );
    expect(await again.stop()).toBe(0);

    // A lock that does not know 1.1.0: the server stops its drivers and does not serve.
    const lock = await readLockFile(lockFile);
    const stale = join(work, 'stale.lock');
    await writeFile(
      stale,
      JSON.stringify({ ...lock, drivers: lock.drivers.filter((x) => x.version !== '1.1.0') }),
    );
    const refused = await run(MAIN, ['serve', ...serverArgs, '--verify-lock', stale]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/CHASSIS_E_LOCK_MISMATCH .*com\.example\.solidfire@1\.1\.0/);
    expect(refused.stdout).toContain('✗ CHASSIS_E_LOCK_MISMATCH');
    expect(refused.stdout).not.toContain('press Ctrl-C to stop');
    expect(refused.stdout).toMatch(/com\.example\.solidfire@1\.1\.0 +Stopped → Unloaded/);
    // The data directory's own lock is left as it was.
    expect(await readFile(lockFile, 'utf8')).toBe(lockText);
  }, 60_000);

  it('a vendor certificate revoked in the repository stops new installs at the next update check, without a restart', async () => {
    const ca = join(work, 'ca');
    const keys = join(work, 'keys');
    const repo = join(work, 'repo');
    // A com.example. CAR signed by the same vendor certificate, not installed yet.
    const nvp = join(work, 'com.example.nvp-1.0.0.example-signed.car');
    await copyFile(files.unsignedNvp, nvp);
    await signAs('exampleNvp', nvp, 'example');
    const live = await serve([...serverArgs, '--admin-port', '0']);
    try {
      url = /Admin API and web UI on (http:\/\/127\.0\.0\.1:\d+)\//.exec(live.output())![1]!;
      admin = ['--url', url, '--token', token];
      await chassis(
        'ca',
        'revoke',
        '--ca',
        ca,
        '--cert',
        join(work, 'example.pem'),
        '--reason',
        'keyCompromise',
      );
      await chassis(
        'repo',
        'revocations',
        repo,
        join(ca, 'revocations.json'),
        '--keys',
        keys,
        '--ca',
        join(ca, 'ca.pem'),
      );
      // The next update check (the periodic one, or this one) brings the list in force.
      await api('POST', '/api/updates/check');
      const r = await run(CLI, ['drivers', 'install', nvp, ...admin]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^CHASSIS_E_CERT_REVOKED: /);
      expect((await api<DriverView[]>('GET', '/api/drivers')).map((d) => d.id)).toEqual([STORAGE]);
    } finally {
      expect(await live.stop()).toBe(0);
    }
  }, 60_000);
});
