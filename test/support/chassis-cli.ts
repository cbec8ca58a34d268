import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `chassis` command, as the build leaves it (`packages/cli/dist/bin.js`). */
export const CLI_BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

/** What one `chassis` run left. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A `chassis` process still running (e.g. `chassis events`). */
export interface RunningCli {
  /** stdout so far. */
  stdout(): string;
  /** Resolves when the process exits; rejects (after SIGKILL) past the timeout. */
  readonly done: Promise<CliRun>;
  /** Ends the process early (SIGTERM). */
  kill(): void;
}

/** Where the CLI connects: `CHASSIS_URL` / `CHASSIS_TOKEN` (a key set to `undefined` is removed). */
export type CliEnv = Record<string, string | undefined>;

/** Options of {@link startChassis}. */
export interface CliOptions {
  readonly env?: CliEnv;
  /** Default 20 s: a node start plus one admin call, on a loaded machine. */
  readonly timeoutMs?: number;
}

/** Starts `node packages/cli/dist/bin.js ...args` with `env` on top of this process's. */
export function startChassis(args: readonly string[], options: CliOptions = {}): RunningCli {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The test run's own settings must not leak into the CLI under test.
  delete env.CHASSIS_URL;
  delete env.CHASSIS_TOKEN;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    env,
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
  const timeoutMs = options.timeoutMs ?? 20_000;
  const done = new Promise<CliRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `chassis ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { stdout: () => stdout, done, kill: () => child.kill('SIGTERM') };
}

/** Runs `chassis ...args` to its end and returns `{ code, stdout, stderr }`. */
export function chassis(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return startChassis(args, options).done;
}

/** A {@link chassis} bound to one server's URL and token (`CHASSIS_URL` / `CHASSIS_TOKEN`). */
export function chassisFor(server: {
  readonly url: string;
  readonly token: string;
}): (args: readonly string[], env?: CliEnv) => Promise<CliRun> {
  return (args, env = {}) =>
    chassis(args, { env: { CHASSIS_URL: server.url, CHASSIS_TOKEN: server.token, ...env } });
}

/** Parses the CLI's `--json` stdout, naming the command when it is not JSON. */
export function json<T>(run: CliRun, what = 'chassis'): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(
      `${what}: stdout is not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`,
    );
  }
}

/**
 * Waits (polling every 50 ms, at most `timeoutMs`) until `test(running.stdout())` holds;
 * fails early when the process ends first.
 */
export async function waitForOutput(
  running: RunningCli,
  test: (stdout: string) => boolean,
  timeoutMs = 15_000,
): Promise<void> {
  let ended = false;
  void running.done.then(
    () => {
      ended = true;
    },
    () => {
      ended = true;
    },
  );
  const deadline = Date.now() + timeoutMs;
  while (!test(running.stdout())) {
    if (ended) throw new Error(`the CLI exited before the expected output:\n${running.stdout()}`);
    if (Date.now() > deadline)
      throw new Error(`no expected output within ${timeoutMs} ms:\n${running.stdout()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
