import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A verdaccio registry on 127.0.0.1, started and stopped by a test. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** An `.npmrc` with only this registry and a publish token. */
  readonly npmrc: string;
  /** Environment that points npm at this registry and nothing else. */
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/**
 * The npm registry this machine's npm uses, read at test time (never committed): verdaccio
 * proxies third-party packages (ajv, fastify, typescript, ...) from it; `@chassis/*` are only
 * ever served from the local storage.
 */
export async function machineRegistry(): Promise<string> {
  const { stdout } = await run('npm', ['config', 'get', 'registry'], { timeout: 30_000 });
  return stdout.trim() || 'https://registry.npmjs.org/';
}

/**
 * Starts verdaccio (6.8.x, in this process) with its storage, config and htpasswd under `dir`,
 * on 127.0.0.1 and a free port, and creates a user whose token the returned `.npmrc` carries.
 */
export async function startRegistry(dir: string, uplink: string): Promise<LocalRegistry> {
  const storage = join(dir, 'storage');
  await mkdir(storage, { recursive: true });
  const config = {
    self_path: dir,
    storage,
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 10 } },
    uplinks: { upstream: { url: uplink, timeout: '60s', maxage: '30m' } },
    packages: {
      // Never proxied: what the test publishes is the only source of these.
      '@chassis/*': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
      '**': { access: '$all', publish: '$authenticated', proxy: 'upstream' },
    },
    log: { type: 'stdout', format: 'pretty', level: 'error' },
    web: { enable: false },
    max_body_size: '200mb',
  };
  // Imported here so that only tests that start a registry load verdaccio.
  const { runServer } = (await import('verdaccio')) as unknown as {
    runServer(config: unknown): Promise<Server>;
  };
  const server = await runServer({ ...config, config_path: join(dir, 'config.yaml') });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const res = await fetch(`${url}-/user/org.couchdb.user:vendor`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'vendor', password: 'day-one-password' }),
  });
  const { token } = (await res.json()) as { token?: string };
  if (!token) throw new Error(`verdaccio did not create a user (${res.status})`);
  const npmrc = join(dir, '.npmrc');
  await writeFile(
    npmrc,
    `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\naudit=false\nfund=false\nupdate-notifier=false\n`,
  );
  return {
    url,
    npmrc,
    env: {
      npm_config_registry: url,
      npm_config_userconfig: npmrc,
      npm_config_cache: join(dir, 'npm-cache'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** `npm publish <tarball>` to the registry. */
export async function publishTarball(registry: LocalRegistry, tarball: string): Promise<void> {
  await run('npm', ['publish', tarball, '--access', 'public'], {
    env: { ...process.env, ...registry.env },
    timeout: 120_000,
  });
}
