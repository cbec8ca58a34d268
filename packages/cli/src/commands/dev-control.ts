import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { ChassisError, type SerializedError, serializeError } from '@chassis/kernel/errors';

/** Where a running `chassis dev` tells `chassis dev call` how to reach it (in the project). */
export const DEV_SESSION_DIR = '.chassis-dev';

/** `<project>/.chassis-dev/session.json`: the control address, its token and who serves it. */
export interface DevSessionFile {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  readonly driver: string;
  readonly resource: string;
  readonly startedAt: string;
}

/** What one call answered: the driver's result, or its error (an answer, not a failure). */
export interface DevCallAnswer {
  readonly ok: boolean;
  readonly resource: string;
  readonly driver: string;
  /** The version bound to the resource when the call returned. */
  readonly version: string;
  /** `point.method`. */
  readonly operation: string;
  readonly result?: unknown;
  readonly error?: SerializedError;
  readonly durationMs: number;
}

/** What the control endpoint serves. */
export interface DevControlTarget {
  call(operation: string, args: readonly unknown[]): Promise<DevCallAnswer>;
  status(): unknown;
}

/** The session file of `dir`. */
export function sessionFileOf(dir: string): string {
  return join(dir, DEV_SESSION_DIR, 'session.json');
}

const MAX_BODY = 1024 * 1024;

function body(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ChassisError('CHASSIS_E_CLI_USAGE', 'The call arguments are over 1 MiB'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (err) {
        reject(new ChassisError('CHASSIS_E_CLI_USAGE', `The request body is not JSON: ${err}`));
      }
    });
    req.on('error', reject);
  });
}

/**
 * Serves `POST /call` (`{ operation, args }`) and `GET /status` on 127.0.0.1 (a free port) for
 * `chassis dev call`, behind a random bearer token, and writes the session file (mode 0600)
 * naming both. Only the project's owner can read the token, so only they can call the driver.
 */
export async function serveDevControl(
  dir: string,
  target: DevControlTarget,
  who: { driver: string; resource: string },
): Promise<{ url: string; file: string; close(): Promise<void> }> {
  const token = randomBytes(24).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const server: Server = createServer((req, res) => {
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) {
      send(401, { error: { code: 'CHASSIS_E_AUTH_INVALID', message: 'Wrong dev session token' } });
      return;
    }
    const handle = async () => {
      if (req.method === 'GET' && req.url === '/status') return send(200, target.status());
      if (req.method === 'POST' && req.url === '/call') {
        const b = (await body(req)) as { operation?: unknown; args?: unknown };
        if (typeof b.operation !== 'string' || (b.args !== undefined && !Array.isArray(b.args)))
          throw new ChassisError(
            'CHASSIS_E_CLI_USAGE',
            'A call needs { operation: string, args?: unknown[] }',
          );
        return send(200, await target.call(b.operation, (b.args as unknown[]) ?? []));
      }
      send(404, { error: { code: 'CHASSIS_E_ADMIN_NOT_FOUND', message: 'No such route' } });
    };
    handle().catch((err: unknown) => {
      const e = serializeError(err);
      send(e.code === 'CHASSIS_E_CLI_USAGE' ? 400 : 422, { error: e });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const file = sessionFileOf(dir);
  await mkdir(join(dir, DEV_SESSION_DIR), { recursive: true, mode: 0o700 });
  await writeFile(join(dir, DEV_SESSION_DIR, '.gitignore'), '*\n');
  const session: DevSessionFile = {
    url,
    token,
    pid: process.pid,
    ...who,
    startedAt: new Date().toISOString(),
  };
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
  return {
    url,
    file,
    async close() {
      await rm(file, { force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * True when a process with `pid` exists (signal 0 checks without sending anything). The same
 * check as the runtime's `processAlive`, kept here on purpose: the CLI has the runtime only as a
 * dev dependency, and the kernel's root (the one production dependency both share) would load
 * far more than these lines into every `chassis dev` client call (see docs/decisions.md).
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The session file of `dir` if a live process wrote it; `undefined` when there is none or its
 * writer is gone (a killed session leaves a stale file, which does not count).
 */
export async function readSession(dir: string): Promise<DevSessionFile | undefined> {
  const text = await readFile(sessionFileOf(dir), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  const s = JSON.parse(text) as DevSessionFile;
  return alive(s.pid) ? s : undefined;
}

function notRunning(dir: string, why: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_DEV_NOT_RUNNING',
    `No chassis dev session runs for ${dir} (${why}); start one with "chassis dev" there`,
    { details: { dir } },
  );
}

/** Sends one request to the dev session of `dir`. */
export async function devRequest<T>(
  dir: string,
  method: 'GET' | 'POST',
  path: string,
  data?: unknown,
): Promise<T> {
  const s = await readSession(dir);
  if (!s) throw notRunning(dir, `no live ${join(DEV_SESSION_DIR, 'session.json')}`);
  let res: Response;
  try {
    res = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${s.token}`,
        ...(data === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(data === undefined ? {} : { body: JSON.stringify(data) }),
    });
  } catch (err) {
    throw notRunning(dir, `${s.url} does not answer: ${(err as Error).message}`);
  }
  const json = (await res.json()) as { error?: SerializedError } & T;
  if (!res.ok) {
    throw ChassisError.fromJSON(
      json.error ??
        ({ code: 'CHASSIS_E_UNKNOWN', message: `HTTP ${res.status}` } as SerializedError),
    );
  }
  return json;
}
