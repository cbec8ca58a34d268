import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bootstrapUrl } from '../bootstrap-path.js';
import { killGroup } from '../confine/process-group.js';
import type { GuestMessage, HostMessage } from './protocol.js';
import type { ExitInfo, Transport } from './transport.js';

/** Options of a process-tier environment. */
export interface ProcessTransportOptions {
  /** V8 old-generation heap cap of the child (`--max-old-space-size`). */
  readonly maxOldGenerationSizeMb?: number;
  /** Receives the child's stdout/stderr lines (the host forwards them to its logger). */
  readonly onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** Extra Node flags (the permission model of the confined tier). */
  readonly execArgv?: readonly string[];
  /** The child's whole environment (default: none of the host's variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** The child's working directory (its scratch folder). */
  readonly cwd?: string;
  /** Size cap the guest applies to what it sends (bytes). */
  readonly maxMessageBytes?: number;
  /** Runs once the child (and its group) is gone, e.g. to remove its scratch folder. */
  readonly onGone?: () => void;
}

const STDERR_TAIL = 4096;

/**
 * A child process (`child_process.fork`, detached into its own process group) speaking the protocol over its IPC channel with
 * `advanced` (structured clone) serialisation, so values cross exactly as they do to a worker.
 */
export function createProcessTransport(options: ProcessTransportOptions = {}): Transport {
  const args = ['--chassis-own-group'];
  if (options.maxMessageBytes) args.push(`--chassis-max-message-bytes=${options.maxMessageBytes}`);
  const heap = options.maxOldGenerationSizeMb;
  const child = fork(fileURLToPath(bootstrapUrl()), args, {
    serialization: 'advanced',
    execArgv: [
      ...(options.execArgv ?? []),
      ...(heap && !options.execArgv?.some((a) => a.startsWith('--max-old-space-size'))
        ? [`--max-old-space-size=${heap}`]
        : []),
    ],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...(options.env ?? {}) },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    // Its own process group: whatever the driver starts is killed with it (killGroup).
    detached: true,
  });
  const pid = child.pid;
  let stderrTail = '';
  child.stdout?.on('data', (b: Buffer) => options.onOutput?.('stdout', b.toString()));
  child.stderr?.on('data', (b: Buffer) => {
    const text = b.toString();
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL);
    options.onOutput?.('stderr', text);
  });
  let exitListener: ((info: ExitInfo) => void) | undefined;
  let exited: ExitInfo | undefined;
  let spawnError: string | undefined;
  child.on('error', (err) => {
    spawnError = err.message;
  });
  child.on('exit', (code, signal) => {
    // The driver's own children share its group; they end with it, whatever ended it.
    killGroup(pid);
    options.onGone?.();
    // Let the stderr pipe drain so the OOM banner is in the tail.
    setImmediate(() => {
      const detail = spawnError ?? (stderrTail.trim() || undefined);
      exited = /heap out of memory|Allocation failed/i.test(stderrTail)
        ? { kind: 'oom', code, signal, detail }
        : signal
          ? { kind: 'signal', code, signal, detail }
          : spawnError
            ? { kind: 'error', code, detail }
            : { kind: 'exit', code, detail };
      exitListener?.(exited);
    });
  });
  return {
    send: (m: HostMessage) => {
      if (child.connected) child.send(m);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as GuestMessage)),
    onExit: (listener) => {
      exitListener = listener;
      if (exited) listener(exited);
    },
    terminate: () =>
      new Promise<void>((resolve) => {
        if (exited || child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        if (!killGroup(pid)) child.kill('SIGKILL');
      }),
  };
}
