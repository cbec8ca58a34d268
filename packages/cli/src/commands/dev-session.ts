import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DriverDescriptor } from '@chassis/kernel';
import { ChassisError, optionalPeer, serializeError } from '@chassis/kernel/errors';
import type { RunningServer } from '@chassis/server';
import { type DevCallAnswer, readSession, serveDevControl } from './dev-control.js';
import { resolveOperation } from './dev-operation.js';
import {
  packDevCar,
  projectBuildCommand,
  readDevProperties,
  readProjectDescriptor,
  runBuild,
} from './dev-project.js';
import { type DevChange, watchProject } from './dev-watch.js';

/** `@chassis/server`, an optional peer: only `chassis dev` needs a server. */
const serverPackage = optionalPeer(() => import('@chassis/server'), {
  package: '@chassis/server',
  code: 'CHASSIS_E_DEV_SERVER_MISSING',
  message:
    'chassis dev runs a throwaway local server from @chassis/server, which is not installed; run "npm install --save-dev @chassis/server" in the driver project',
});

/** Who `chassis dev` acts as on its own server (recorded in the upgrade history). */
const DEV_PRINCIPAL = { id: 'system:chassis-dev', roles: ['admin'] } as const;

/** The resource kind a dev resource gets, per category. */
const KINDS: Readonly<Record<string, string>> = {
  network: 'network-device',
  storage: 'primary-storage-pool',
  hypervisor: 'hypervisor-cluster',
};

/** Options of {@link startDevSession}. */
export interface DevOptions {
  /** The driver project (driver.yaml, package.json). */
  readonly dir: string;
  /** The resource's configuration (JSON object). */
  readonly properties: string;
  /** Id of the resource created from it. */
  readonly resource: string;
  /** Build command; `undefined`: package.json's `build` script; `false`: do not build. */
  readonly build: string | false | undefined;
  /** Rebuild and swap on every change. */
  readonly watch: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Also serve the admin API and web UI on 127.0.0.1:<port> (0: any free port). */
  readonly adminPort?: number | undefined;
  readonly print: (line: string) => void;
}

/** A running `chassis dev`. */
export interface DevSession {
  readonly driver: string;
  readonly resource: string;
  /** The dev version serving the resource now. */
  version(): string;
  /** The temp folder of the throwaway server (removed by `stop`). */
  readonly tempDir: string;
  readonly adminUrl: string | undefined;
  /** Calls an operation (`method` or `point.method`) on the dev resource. */
  call(operation: string, args: readonly unknown[]): Promise<DevCallAnswer>;
  /** Builds, packs and swaps now (what a change of the sources does). */
  rebuild(): Promise<void>;
  /** Stops watching, the control endpoint and the server; removes the temp folder. */
  stop(): Promise<void>;
}

/**
 * Starts `chassis dev` for a driver project: validates the properties file against driver.yaml
 * (every violation in one `CHASSIS_E_PROPS_INVALID`, before anything is built), builds, packs an
 * unsigned dev CAR (`<version>-dev.1`), starts a throwaway `chassis-server` (`startServer`) on a
 * temp data directory whose trust policy allows this driver unsigned and trusts it, so it runs in
 * the tier driver.yaml declares; installs the CAR, creates the resource, serves the control
 * endpoint `chassis dev call` uses and, with `watch`, swaps every rebuild in through the real
 * upgrade path (`<version>-dev.N`), printing the pause each resource saw.
 */
export async function startDevSession(o: DevOptions): Promise<DevSession> {
  const print = o.print;
  const running = await readSession(o.dir);
  if (running)
    throw new ChassisError(
      'CHASSIS_E_DEV_SESSION_RUNNING',
      `chassis dev already runs for ${o.dir} (pid ${running.pid}, control ${running.url}); use "chassis dev call" or stop it first`,
      { details: { dir: o.dir, pid: running.pid } },
    );
  let descriptor: DriverDescriptor = await readProjectDescriptor(o.dir);
  const props = await readDevProperties(o.properties, descriptor, o.dir);
  const driver = descriptor.id;
  const command = o.build === false ? undefined : (o.build ?? (await projectBuildCommand(o.dir)));
  const build = async () => {
    if (!command) return;
    const started = performance.now();
    print(`== Build: ${command}`);
    await runBuild(o.dir, command);
    print(`  built in ${Math.round(performance.now() - started)} ms`);
  };
  await build();

  const tempDir = await mkdtemp(join(tmpdir(), 'chassis-dev-'));
  const cars = join(tempDir, 'cars');
  let builds = 1;
  let server: RunningServer | undefined;
  try {
    const first = await packDevCar(o.dir, cars, builds);
    descriptor = first.descriptor;
    const tier = descriptor.isolation ?? 'worker';
    const srv = await serverPackage();
    const { DEFAULT_KERNEL_CONFIG } = await import('@chassis/kernel');
    print(
      `== Dev server (throwaway, data in ${tempDir}): ${driver} runs in the "${tier}" tier driver.yaml declares`,
    );
    print(
      `  dev trust policy: the unsigned dev CAR of ${driver} is allowed and ${driver} is trusted; a real server refuses an unsigned CAR (sign it with "chassis car sign")`,
    );
    server = await srv.startServer(
      {
        configFile: undefined,
        dataDir: join(tempDir, 'data'),
        logLevel: o.logLevel,
        sources: [],
        s3: undefined,
        repository: undefined,
        trust: { allowUnsigned: [driver] },
        admin:
          o.adminPort === undefined
            ? undefined
            : { port: o.adminPort, host: '127.0.0.1', tokens: [] },
        kernel: {
          ...DEFAULT_KERNEL_CONFIG,
          log: { level: o.logLevel },
          confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [driver] },
        },
        verifyLock: undefined,
      },
      print,
    );
    const runtime = server.runtime;
    await runtime.install({ kind: 'file', path: first.file }, DEV_PRINCIPAL);
    const created = await runtime.createResource(
      {
        id: o.resource,
        kind: KINDS[descriptor.category] ?? descriptor.category,
        driverId: driver,
        name: `${descriptor.name} (chassis dev)`,
        properties: props.raw,
      },
      DEV_PRINCIPAL,
    );
    print(
      `== Resource ${o.resource} on ${driver}@${created.binding.version} from ${basename(o.properties)}: ${JSON.stringify(created.configuration)}`,
    );
  } catch (err) {
    await server?.stop().catch(() => undefined); // the start's own error is the one to report
    await rm(tempDir, { recursive: true, force: true });
    throw err;
  }
  const srv = server;
  const runtime = srv.runtime;
  const current = () => runtime.getResource(o.resource).binding.version;

  const call = async (operation: string, args: readonly unknown[]): Promise<DevCallAnswer> => {
    const version = current();
    const provided = (
      runtime.getDriver(driver).versions.find((v) => v.version === version)?.descriptor.provides ??
      []
    ).map((p) => p.point);
    const { point, method } = resolveOperation(operation, provided, driver);
    const started = performance.now();
    const base = { resource: o.resource, driver, operation: `${point}.${method}` };
    try {
      const result = await runtime.router.call(o.resource, point, method, args);
      return { ...base, ok: true, version: current(), result, durationMs: ms(started) };
    } catch (err) {
      return {
        ...base,
        ok: false,
        version: current(),
        error: serializeError(err),
        durationMs: ms(started),
      };
    }
  };

  const swap = async () => {
    await build();
    const next = await packDevCar(o.dir, cars, builds + 1);
    builds += 1;
    if (next.descriptor.id !== driver)
      throw new ChassisError(
        'CHASSIS_E_DEV_DRIVER_CHANGED',
        `driver.yaml now says id ${next.descriptor.id}, but this session runs ${driver}; restart chassis dev`,
        { details: { was: driver, now: next.descriptor.id } },
      );
    const from = current();
    const to = next.descriptor.version;
    await runtime.install({ kind: 'file', path: next.file }, DEV_PRINCIPAL);
    try {
      const record = await runtime.upgrade(
        driver,
        { version: to, policy: { kind: 'all-at-once' } },
        DEV_PRINCIPAL,
      );
      print(`== Swapped ${driver} ${from} → ${to} through the upgrade path (${record.result})`);
      for (const r of record.resources)
        print(`  ${r.id} paused ${Math.round((r.pausedMs ?? 0) * 10) / 10} ms`);
      descriptor = next.descriptor;
    } catch (err) {
      // Rolled back: the old version still serves; the failed one is not kept.
      await runtime.uninstall(driver, { version: to }, DEV_PRINCIPAL).catch(() => undefined);
      throw err;
    }
    // Old dev builds are of no further use on a throwaway server.
    await runtime.uninstall(driver, { version: from }, DEV_PRINCIPAL).catch((err: unknown) => {
      const e = serializeError(err);
      print(`  (kept ${from}: ${e.code} ${e.message})`);
    });
  };

  const reconfigure = async () => {
    const next = await readDevProperties(o.properties, descriptor, o.dir);
    const info = await runtime.configure(o.resource, next.raw, DEV_PRINCIPAL);
    print(
      `== Configured ${o.resource} from ${basename(o.properties)}: ${JSON.stringify(info.configuration)}`,
    );
  };

  // One change at a time, in order; a burst while one runs is coalesced into one more run.
  let chain: Promise<void> = Promise.resolve();
  const queued = new Set<DevChange>();
  const enqueue = (change: DevChange): Promise<void> => {
    if (queued.has(change)) return chain;
    queued.add(change);
    chain = chain.then(async () => {
      queued.delete(change);
      try {
        await (change === 'sources' ? swap() : reconfigure());
      } catch (err) {
        printFailure(print, err, change === 'sources' ? current() : undefined);
      }
    });
    return chain;
  };
  const stopWatching = o.watch
    ? await watchProject(o.dir, o.properties, (c) => void enqueue(c))
    : () => {};

  const control = await serveDevControl(
    o.dir,
    {
      call,
      status: () => ({ driver, resource: o.resource, version: current(), pid: process.pid }),
    },
    { driver, resource: o.resource },
  );
  print(
    `== Ready: ${driver}@${current()} serves resource ${o.resource}${o.watch ? '; watching the sources' : ''}. Call it with: chassis dev call <operation> [json]`,
  );
  return {
    driver,
    resource: o.resource,
    version: current,
    tempDir,
    adminUrl: srv.adminUrl,
    call,
    rebuild: () => enqueue('sources'),
    async stop() {
      stopWatching();
      await control.close();
      await chain;
      try {
        await srv.stop();
      } finally {
        await rm(tempDir, { recursive: true, force: true });
      }
    },
  };
}

function ms(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/** A failed rebuild or reconfiguration: printed, and the session goes on with what it had. */
function printFailure(print: (line: string) => void, err: unknown, serving: string | undefined) {
  const e = serializeError(err);
  print(`  ✗ ${e.code} ${e.message}`);
  const violations = (e.details as { violations?: { key: string; message: string }[] })?.violations;
  for (const v of violations ?? []) print(`    - ${v.key || '(configuration)'}: ${v.message}`);
  if (serving) print(`  still serving ${serving}`);
}
