import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackage, publicPackages } from './support/pack.js';
import {
  type LocalRegistry,
  machineRegistry,
  publishTarball,
  startRegistry,
} from './support/registry.js';

/**
 * Black-box: the vendor's and the operator's day one, with nothing but a registry. A verdaccio
 * (6.8.x) on 127.0.0.1, storage in a temp dir, gets every public `@chassis/*` package as a
 * release packs it; third-party packages are proxied from the machine's npm registry. In a temp
 * dir outside the repository, with only that registry configured, the smoke path installs one
 * package. With `CHASSIS_TEST_DAY_ONE=1` (slow: it installs TypeScript, vitest, fastify, ...) it
 * does the whole flow: install `@chassis/cli`, `chassis car init` for each category,
 * `npm install && npm test && npm run build && npm run pack` in one project, install
 * `@chassis/server`, start `chassis-server`, install the CAR through the admin API, create a
 * resource and call one operation of the driver through the server: `chassis resources test
 * --operation capabilities`, a read-only operation of the contract that runs in the resource's
 * compartment on the installed driver (the admin API has no route for arbitrary operations).
 */

const exec = promisify(execFile);
const FULL = process.env.CHASSIS_TEST_DAY_ONE === '1';

let dir: string;
let registry: LocalRegistry;

async function npm(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('npm', args, {
    cwd,
    env: { ...process.env, ...registry.env },
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-day-one-'));
  registry = await startRegistry(join(dir, 'registry'), await machineRegistry());
}, 120_000);

afterAll(async () => {
  await registry?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('day one from a registry', () => {
  it('publishes a package to the local registry and installs it outside the workspace', async () => {
    const kernel = (await publicPackages()).find((p) => p.name === '@chassis/kernel')!;
    await publishTarball(registry, await packPackage(kernel, join(dir, 'tarballs')));
    const project = join(dir, 'smoke');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'package.json'), '{ "name": "smoke", "private": true }\n');
    await npm(project, 'install', '@chassis/kernel', '--no-package-lock');
    const { stdout } = await exec(
      'node',
      [
        '--input-type=module',
        '-e',
        "const k = await import('@chassis/kernel'); console.log(typeof k.ChassisError)",
      ],
      { cwd: project },
    );
    expect(stdout.trim()).toBe('function');
    const manifest = JSON.parse(
      await readFile(join(project, 'node_modules/@chassis/kernel/package.json'), 'utf8'),
    ) as { version: string };
    expect(manifest.version).toBe(kernel.manifest.version);
  }, 300_000);

  it.runIf(FULL)(
    'vendor: cli, car init per category, install/test/build/pack; operator: chassis-server, install the CAR, call it',
    async () => {
      const tarballs = join(dir, 'tarballs');
      for (const pkg of await publicPackages()) {
        if (pkg.name === '@chassis/kernel') continue; // published by the smoke path
        await publishTarball(registry, await packPackage(pkg, tarballs));
      }
      const home = join(dir, 'vendor');
      await mkdir(home, { recursive: true });
      await writeFile(join(home, 'package.json'), '{ "name": "vendor", "private": true }\n');
      await npm(home, 'install', '@chassis/cli');
      const chassis = join(home, 'node_modules/.bin/chassis');
      const ids = {
        network: 'com.acme.net',
        storage: 'com.acme.flash',
        hypervisor: 'com.acme.hv',
      } as const;
      for (const [category, id] of Object.entries(ids)) {
        await exec(chassis, ['car', 'init', category, '--id', id, '--category', category], {
          cwd: home,
        });
        expect(await readdir(join(home, category))).toContain('driver.yaml');
      }
      const project = join(home, 'storage');
      await npm(project, 'install');
      await npm(project, 'test');
      await npm(project, 'run', 'build');
      await npm(project, 'run', 'pack');
      const car = (await readdir(project)).find((f) => f.endsWith('.car'));
      expect(car).toBeDefined();

      const ops = join(dir, 'operator');
      await mkdir(ops, { recursive: true });
      await writeFile(join(ops, 'package.json'), '{ "name": "operator", "private": true }\n');
      await npm(ops, 'install', '@chassis/server');
      const data = join(ops, 'data');
      await writeFile(
        join(ops, 'server.yaml'),
        `dataDir: data\ntrust: { allowUnsigned: [${ids.storage}] }\nadmin: { port: 0 }\n`,
      );
      const server: ChildProcess = spawn(
        join(ops, 'node_modules/.bin/chassis-server'),
        ['--config', 'server.yaml'],
        { cwd: ops, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      server.stdout?.setEncoding('utf8').on('data', (d: string) => {
        out += d;
      });
      server.stderr?.setEncoding('utf8').on('data', (d: string) => {
        out += d;
      });
      try {
        let url: string | undefined;
        for (let i = 0; i < 600 && !url; i++) {
          url = /Admin API and web UI on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
          if (!url) await new Promise((r) => setTimeout(r, 100));
        }
        expect(url, out).toBeDefined();
        const token = (await readFile(join(data, 'admin-token'), 'utf8')).trim();
        const env = { ...process.env, CHASSIS_URL: url, CHASSIS_TOKEN: token };
        await exec(chassis, ['drivers', 'install', join(project, car!)], { env });
        const res = await fetch(`${url}/api/resources`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            id: 'pool-1',
            kind: 'primary-storage-pool',
            driverId: ids.storage,
            properties: {
              mVip: '10.0.0.10',
              sVip: '10.0.1.10',
              clusterAdminUsername: 'admin',
              clusterAdminPassword: 'day-one-secret',
            },
          }),
        });
        expect(res.status, await res.clone().text()).toBe(201);
        // Step 5: one operation, through the installed server, answered by the vendor's code
        // (the scaffold's `capabilities`).
        const { stdout: answer } = await exec(
          chassis,
          ['resources', 'test', 'pool-1', '--operation', 'capabilities', '--json'],
          { env },
        );
        expect(JSON.parse(answer)).toMatchObject({
          resource: 'pool-1',
          driverId: ids.storage,
          operation: 'storage.primary.capabilities',
          ok: true,
          result: { protocols: ['iscsi'] },
        });
      } finally {
        server.kill('SIGTERM');
        await new Promise((r) => server.once('close', r));
      }
    },
    1_800_000,
  );
});
