import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The example server's command-line entry, as the build leaves it. */
export const SERVER_MAIN = fileURLToPath(
  new URL('../../examples/management-server/dist/main.js', import.meta.url),
);

/** Options of {@link startServe}. */
export interface ServeOptions {
  /** `--repository <dir>`: the folder of CARs installed at start (default: the example's). */
  readonly repositoryDir?: string;
  /** How long to wait for the admin URL and token (default 30 s: a loaded 2-core machine). */
  readonly startTimeoutMs?: number;
  /** More command-line arguments (e.g. `--admin-token <t>=viewer`). */
  readonly extraArgs?: readonly string[];
}

/** A running `main.js serve --admin-port 0` on a fresh data directory. */
export interface ServedExample {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  readonly url: string;
  /** The admin token, read from the server's one-time print. */
  readonly token: string;
  /** The temporary folder holding `data/` (removed by {@link ServedExample.stop}). */
  readonly root: string;
  readonly dataDir: string;
  /** Everything the server printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  /** SIGTERM, wait (at most 20 s, then SIGKILL) and remove the data; resolves the exit code. */
  stop(): Promise<number | null>;
}

const ADMIN_LINE = /Admin API and web UI on (http:\/\/127\.0\.0\.1:\d+)\//;
const TOKEN_LINE = /chassis admin token \(printed once[^)]*\): (\S+)/;

/**
 * Starts the example management server as an operator does
 * (`node examples/management-server/dist/main.js serve --admin-port 0 --data-dir <fresh dir>`)
 * and resolves once it has printed its admin URL and token. A server that exits early or
 * stays silent past the timeout is killed and reported with what it printed.
 */
export async function startServe(options: ServeOptions = {}): Promise<ServedExample> {
  const root = await mkdtemp(join(tmpdir(), 'chassis-serve-'));
  const dataDir = join(root, 'data');
  const args = [SERVER_MAIN, 'serve', '--admin-port', '0', '--data-dir', dataDir];
  if (options.repositoryDir) args.push('--repository', options.repositoryDir);
  args.push(...(options.extraArgs ?? []));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));

  const stop = async (): Promise<number | null> => {
    try {
      return await terminate(child, exited);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  };

  try {
    const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
      const timeoutMs = options.startTimeoutMs ?? 30_000;
      const timer = setTimeout(
        () =>
          reject(new Error(`serve printed no admin URL within ${timeoutMs} ms:\n${out}\n${err}`)),
        timeoutMs,
      );
      const look = (): void => {
        const u = ADMIN_LINE.exec(out);
        const t = TOKEN_LINE.exec(out);
        if (u && t) {
          clearTimeout(timer);
          resolve({ url: u[1]!, token: t[1]! });
        }
      };
      child.stdout.on('data', look);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited early (code ${code}):\n${out}\n${err}`));
      });
    });
    return { url, token, root, dataDir, stdout: () => out, stderr: () => err, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function terminate(
  child: ChildProcess,
  exited: Promise<number | null>,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, 20_000);
  });
  try {
    return await Promise.race([exited, killed.then(() => exited)]);
  } finally {
    clearTimeout(timer);
  }
}
