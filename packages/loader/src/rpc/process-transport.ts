import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bootstrapUrl } from '../bootstrap-path.js';
import type { GuestMessage, HostMessage } from './protocol.js';
import type { ExitInfo, Transport } from './transport.js';

/** Options of a process-tier environment. */
export interface ProcessTransportOptions {
  /** V8 old-generation heap cap of the child (`--max-old-space-size`). */
  readonly maxOldGenerationSizeMb?: number;
  /** Receives the child's stdout/stderr lines (the host forwards them to its logger). */
  readonly onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

const STDERR_TAIL = 4096;

/**
 * A child process (`child_process.fork`) speaking the protocol over its IPC channel with
 * `advanced` (structured clone) serialisation, so values cross exactly as they do to a worker.
 */
export function createProcessTransport(options: ProcessTransportOptions = {}): Transport {
  const child = fork(fileURLToPath(bootstrapUrl()), [], {
    serialization: 'advanced',
    execArgv: options.maxOldGenerationSizeMb
      ? [`--max-old-space-size=${options.maxOldGenerationSizeMb}`]
      : [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
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
        child.kill('SIGKILL');
      }),
  };
}
