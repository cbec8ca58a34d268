import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectCar } from '@chassis/car';
import {
  DEFAULT_REPOSITORY_DIR,
  DEMO_PRINCIPAL,
  DEMO_RESOURCES,
  type ExampleServer,
  startExampleServer,
} from '@chassis/example-management-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/**
 * Black-box tests of the example management server: the CARs the build packed from the three
 * example driver projects, and the server started as a user starts it (`node dist/main.js`),
 * asserting on what it prints and on the files it leaves.
 */

const MAIN = fileURLToPath(new URL('../examples/management-server/dist/main.js', import.meta.url));
const NETWORK = 'com.example.nvp';
const STORAGE = 'com.example.solidfire';
const HYPERVISOR = 'com.example.kvm';
const SECRETS = DEMO_RESOURCES.flatMap((r) =>
  Object.entries(r.properties)
    .filter(([k]) => /password/i.test(k))
    .map(([, v]) => String(v)),
);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the example's `main.js` with `args` and waits (at most 45 s) for it to exit. The demo
 * takes a few seconds; the bound is wide because CI runs two test files at once on 2 cores.
 */
function runMain(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
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
      reject(
        new Error(`main.js ${args.join(' ')} did not exit within 45 s:\n${stdout}\n${stderr}`),
      );
    }, 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Transition {
  readonly category: string;
  readonly driver: string;
  readonly from: string;
  readonly to: string;
}

const LIFECYCLE = /^ {2}lifecycle {2}(\S+)\s+(\S+)@\S+\s+(\w+) → (\w+)/;

function transitions(stdout: string): Transition[] {
  return stdout.split('\n').flatMap((line) => {
    const m = LIFECYCLE.exec(line);
    return m ? [{ category: m[1]!, driver: m[2]!, from: m[3]!, to: m[4]! }] : [];
  });
}

const reached = (ts: readonly Transition[], to: string) =>
  ts.filter((t) => t.to === to).map((t) => t.driver);

/** Index of the first and last transition of `driver` into one of `states`. */
function span(ts: readonly Transition[], driver: string, states: readonly string[]) {
  const idx = ts.flatMap((t, i) => (t.driver === driver && states.includes(t.to) ? [i] : []));
  return { first: Math.min(...idx), last: Math.max(...idx), count: idx.length };
}

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'chassis-blackbox-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('the packed example CARs', () => {
  it('hold one driver per category, their messages and their bundled dependency', async () => {
    const files = (await readdir(DEFAULT_REPOSITORY_DIR)).filter((f) => f.endsWith('.car')).sort();
    expect(files).toEqual([
      'com.example.kvm-1.0.0.car',
      'com.example.nvp-1.0.0.car',
      'com.example.solidfire-1.0.0.car',
    ]);
    const byId = new Map<string, Awaited<ReturnType<typeof inspectCar>>>();
    for (const f of files) {
      const i = await inspectCar(join(DEFAULT_REPOSITORY_DIR, f));
      byId.set(i.driver.id, i);
    }
    const dependency = { [HYPERVISOR]: 'semver', [NETWORK]: 'ipaddr.js', [STORAGE]: 'bytes' };
    for (const [id, category, point] of [
      [NETWORK, 'network', 'network.device'],
      [STORAGE, 'storage', 'storage.primary'],
      [HYPERVISOR, 'hypervisor', 'hypervisor'],
    ] as const) {
      const i = byId.get(id)!;
      expect(i.driver.category).toBe(category);
      expect(i.provides.map((p) => p.point)).toEqual([point]);
      expect(i.locales).toEqual(expect.arrayContaining(['en']));
      expect(i.locales.length).toBeGreaterThanOrEqual(2);
      const paths = i.files.map((f) => f.path);
      expect(paths).toContain(i.driver.entry);
      expect(paths).toContain(`lib/${dependency[id]}/package.json`);
      expect(i.signature).toBe('unsigned');
    }
  });
});

describe('node examples/management-server/dist/main.js (the demo)', () => {
  it('starts network → storage → hypervisor, runs the scenario, refuses the bad change, stops in reverse; again on the same data dir', async () => {
    const dataDir = join(await tmp(), 'data');
    for (let round = 1; round <= 2; round++) {
      const run = await runMain(['--data-dir', dataDir]);
      expect(run.stderr).toBe('');
      expect(run.code, run.stdout).toBe(0);
      const ts = transitions(run.stdout);

      // Each driver walks the whole lifecycle, one driver after the other.
      const order = [NETWORK, STORAGE, HYPERVISOR];
      expect(reached(ts, 'Running')).toEqual(order);
      expect(reached(ts, 'Stopped')).toEqual([...order].reverse());
      for (const id of order) {
        expect(ts.filter((t) => t.driver === id).map((t) => `${t.from}→${t.to}`)).toEqual([
          'Discovered→Verified',
          'Verified→Resolved',
          'Resolved→Loaded',
          'Loaded→Starting',
          'Starting→Running',
          'Running→Stopping',
          'Stopping→Stopped',
          'Stopped→Unloaded',
        ]);
      }
      const up = ['Verified', 'Resolved', 'Loaded', 'Starting', 'Running'];
      expect(span(ts, NETWORK, up).last).toBeLessThan(span(ts, STORAGE, up).first);
      expect(span(ts, STORAGE, up).last).toBeLessThan(span(ts, HYPERVISOR, up).first);
      const down = ['Stopping', 'Stopped'];
      expect(span(ts, HYPERVISOR, down).last).toBeLessThan(span(ts, STORAGE, down).first);
      expect(span(ts, STORAGE, down).last).toBeLessThan(span(ts, NETWORK, down).first);
      expect(ts.find((t) => t.driver === STORAGE)?.category).toBe('storage');

      // The scenario's results, in order.
      const out = run.stdout;
      const steps = [
        /network +implement net-web 10\.1\.1\.0\/24 on nvp-1 → lswitch:[0-9a-f-]{36}, gateway 10\.1\.1\.1/,
        /network +prepareNic nic-web-01 → 10\.1\.1\.\d+\/255\.255\.255\.0 mac (?:[0-9a-f]{2}:){5}[0-9a-f]{2}/,
        /storage +initialize pool-1 → iscsi 10\.20\.1\.10:3260/,
        /storage +createVolume web-01-root 20 GiB → volume \S+, IOPS 100-5000, iqn\./,
        /hypervisor +discoverHosts kvm-1 → kvm-a-h1 /,
        /storage +grantAccess volume \S+ → kvm-a-h1 via 10\.20\.1\.10:3260/,
        /hypervisor +startVm web-01 \(2 vCPU, 4 GiB, volume \S+, nic 10\.1\.1\.\d+\) on kvm-a-h1 → running/,
        /hypervisor +stopVm web-01 → stopped/,
        /storage +revokeAccess \+ deleteVolume volume \S+ → 0 volumes, 0 B provisioned/,
        /network +releaseNic \+ shutdown \+ destroy net-web → destroyed/,
      ];
      let at = 0;
      for (const re of steps) {
        const m = re.exec(out.slice(at));
        expect(m, `${re} after offset ${at}`).not.toBeNull();
        at += m!.index + m![0].length;
      }
      // Scenario runs while every driver is up: after the last start, before the first stop.
      const lines = out.split('\n');
      const lastStart = lines.findIndex((l) => /com\.example\.kvm@\S+ +Starting → Running/.test(l));
      const firstStop = lines.findIndex((l) => /Running → Stopping/.test(l));
      const vm = lines.findIndex((l) => /startVm web-01/.test(l));
      expect(lastStart).toBeLessThan(vm);
      expect(vm).toBeLessThan(firstStop);

      // The bad change is refused with every violation (label, key, rule) and changes nothing.
      expect(out).toContain('refused: CHASSIS_E_PROPS_INVALID, 3 violations');
      expect(Number(/mVip: <(\d+) characters>/.exec(out)?.[1])).toBeGreaterThan(255);
      const violations = lines
        .map((l) => /^ {4}✗ (.+) \((\w+)\) (\w+): /.exec(l))
        .flatMap((m) => (m ? [`${m[2]}:${m[3]}:${m[1]}`] : []));
      expect(violations.sort()).toEqual([
        'clusterAdminUsername:required:Cluster admin user name',
        'mPort:type:Management port',
        'mVip:maxLength:Management VIP',
      ]);
      expect(out).toContain('pool-1 keeps its configuration: yes (mVip=10.20.0.10, mPort=443)');

      // Secrets are never printed nor stored in clear.
      for (const s of SECRETS) expect(out).not.toContain(s);
      expect(out).toContain('clusterAdminPassword=••••••');
      for (const f of await readdir(join(dataDir, 'state'))) {
        const text = await readFile(join(dataDir, 'state', f), 'utf8').catch(() => '');
        for (const s of SECRETS) expect(text).not.toContain(s);
      }
      expect(out).toContain('== Demo finished\n');
    }
  }, 60_000);

  it('refuses a damaged CAR in the repository, still runs the others, and exits 1', async () => {
    const root = await tmp();
    const repo = join(root, 'repo');
    await mkdir(repo);
    for (const f of await readdir(DEFAULT_REPOSITORY_DIR)) {
      if (f.endsWith('.car')) await copyFile(join(DEFAULT_REPOSITORY_DIR, f), join(repo, f));
    }
    const good = await readFile(join(repo, 'com.example.kvm-1.0.0.car'));
    const { size } = await stat(join(repo, 'com.example.kvm-1.0.0.car'));
    await writeFile(join(repo, 'com.example.broken-1.0.0.car'), good.subarray(0, size >> 1));

    const run = await runMain(['--data-dir', join(root, 'data')], { CHASSIS_REPOSITORY: repo });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ com\.example\.broken-1\.0\.0\.car refused: CHASSIS_E_CAR_\w+ /);
    expect(reached(transitions(run.stdout), 'Running')).toEqual([NETWORK, STORAGE, HYPERVISOR]);
    expect(run.stdout).toContain('hypervisor startVm web-01');
    expect(run.stdout).toContain('== Demo finished with 1 error(s)');
  }, 60_000);

  it.each([
    [['--admin-port', '8080'], 2, /needs the serve mode[\s\S]*Usage:/],
    [
      ['--repository', '/nonexistent/chassis-repo'],
      1,
      /CHASSIS_E_CAR_NOT_FOUND .*\/nonexistent\/chassis-repo/,
    ],
  ])(
    '%j exits %d naming the problem',
    async (args, code, stderr) => {
      const run = await runMain(['--data-dir', join(await tmp(), 'data'), ...args]);
      expect(run.code).toBe(code);
      expect(run.stderr).toMatch(stderr);
      expect(transitions(run.stdout)).toEqual([]);
    },
    60_000,
  );
});

describe('node examples/management-server/dist/main.js serve --admin-port <port in use>', () => {
  it('fails the start with CHASSIS_E_ADMIN_PORT_IN_USE before any driver starts', async () => {
    const blocker = createNetServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as AddressInfo).port)),
    );
    try {
      const dataDir = join(await tmp(), 'data');
      const run = await runMain(['serve', '--admin-port', String(port), '--data-dir', dataDir]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('CHASSIS_E_ADMIN_PORT_IN_USE');
      expect(run.stderr).toContain(`127.0.0.1:${port}`);
      // The port is bound before the drivers start: none of them was even loaded.
      expect(transitions(run.stdout)).toEqual([]);
      expect(run.stdout).not.toMatch(/Start \(category order/);
      // No token printed, none left behind: the next start creates and prints one.
      expect(`${run.stdout}${run.stderr}`).not.toContain('chassis admin token');
      await expect(stat(join(dataDir, 'admin-token'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  }, 60_000);
});

describe('node examples/management-server/dist/main.js serve --admin-port 0', () => {
  it('serves the admin API over the running drivers and stops them in reverse on SIGTERM', async () => {
    const dataDir = join(await tmp(), 'data');
    const child = spawn(
      process.execPath,
      [MAIN, 'serve', '--admin-port', '0', '--data-dir', dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no admin URL within 15 s:\n${stdout}`)),
          15_000,
        );
        const look = () => {
          const m = /Admin API and web UI on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', look);
        child.on('close', () => reject(new Error(`serve exited early:\n${stdout}`)));
      });
      const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
      const res = await fetch(`${url}/api/drivers`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      const drivers = (await res.json()) as { id: string; state: string }[];
      expect(drivers.map((d) => `${d.id}:${d.state}`).sort()).toEqual([
        `${HYPERVISOR}:Running`,
        `${NETWORK}:Running`,
        `${STORAGE}:Running`,
      ]);
      expect((await fetch(`${url}/api/drivers`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    expect(await exited).toBe(0);
    clearTimeout(timer);
    const ts = transitions(stdout);
    expect(reached(ts, 'Running')).toEqual([NETWORK, STORAGE, HYPERVISOR]);
    expect(reached(ts, 'Stopped')).toEqual([HYPERVISOR, STORAGE, NETWORK]);
  }, 60_000);
});

describe('property validation through the composed server', () => {
  let ex: ExampleServer;
  beforeAll(async () => {
    ex = await startExampleServer({
      dataDir: join(await tmp(), 'data'),
      fresh: true,
      print: () => {},
    });
  }, 60_000);
  afterAll(async () => {
    await ex?.stop();
  });
  afterEach(() => {
    expect(ex.runtime.listResources()).toEqual([]);
  });

  it.each([
    [
      STORAGE,
      {
        mVip: `${'a'.repeat(250)}.example.net`,
        mPort: '443',
        clusterAdminPassword: 42,
        minIops: Number.NaN,
      },
      [
        'clusterAdminPassword:type:Cluster admin password',
        'clusterAdminUsername:required:Cluster admin user name',
        'mPort:type:Management port',
        'mVip:maxLength:Management VIP',
        'minIops:type:Default minimum IOPS',
        'sVip:required:Storage VIP',
      ],
    ],
    [
      NETWORK,
      {
        hostname: 'nvp.example.net',
        username: true,
        password: 'x',
        l3GatewayServiceUuid: `${'0'.repeat(36)}0`,
      },
      [
        'l3GatewayServiceUuid:maxLength:L3 gateway service UUID',
        'transportZoneUuid:required:Transport zone UUID',
        'username:type:User name',
      ],
    ],
    [
      HYPERVISOR,
      {},
      ['password:required:Password', 'url:required:Host URL', 'username:required:User name'],
    ],
  ])(
    '%s refuses a bad configuration with every violation',
    async (driverId, properties, expected) => {
      const err = await ex.runtime
        .createResource({ id: 'bad-1', kind: 'test', driverId, properties }, DEMO_PRINCIPAL)
        .then(
          () => undefined,
          (e: unknown) => e as { code: string; details: { violations: Record<string, string>[] } },
        );
      expect(err?.code).toBe('CHASSIS_E_PROPS_INVALID');
      const got = err!.details.violations.map((v) => `${v.key}:${v.rule}:${v.label}`);
      expect(got.sort()).toEqual(expected);
    },
  );
});
