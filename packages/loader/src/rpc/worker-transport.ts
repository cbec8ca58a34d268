import { MessageChannel, type ResourceLimits, Worker } from 'node:worker_threads';
import { bootstrapUrl } from '../bootstrap-path.js';
import type { GuestMessage, HostMessage } from './protocol.js';
import type { ExitInfo, Transport } from './transport.js';

/** Options of a worker-tier environment. */
export interface WorkerTransportOptions {
  readonly resourceLimits?: ResourceLimits;
  /** Environment name shown in debuggers and heap snapshots. */
  readonly name?: string;
  /** The worker's `process.env` (default: none of the host's variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** Size cap the guest applies to what it posts (bytes). */
  readonly maxMessageBytes?: number;
  /** Receives the worker's stdout/stderr (instead of the host's own stdout). */
  readonly onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

/**
 * A worker thread speaking the protocol over a dedicated MessagePort (transferred in
 * `workerData`), so driver traffic never mixes with the Worker object's own channel.
 */
export function createWorkerTransport(options: WorkerTransportOptions = {}): Transport {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(bootstrapUrl(), {
    workerData: {
      port: port2,
      options: options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {},
    },
    env: { ...(options.env ?? {}) },
    stdout: true,
    stderr: true,
    transferList: [port2],
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    ...(options.name ? { name: options.name } : {}),
    // The driver's own flags are not the host's (e.g. test runners' loaders).
    execArgv: [],
  });
  worker.stdout.on('data', (b: Buffer) => options.onOutput?.('stdout', b.toString()));
  worker.stderr.on('data', (b: Buffer) => options.onOutput?.('stderr', b.toString()));
  let exitListener: ((info: ExitInfo) => void) | undefined;
  let lastError: { code?: string; message: string } | undefined;
  let exited: ExitInfo | undefined;
  worker.on('error', (err: Error & { code?: string }) => {
    lastError = { code: err.code, message: err.message };
  });
  worker.on('exit', (code) => {
    port1.close();
    exited =
      lastError?.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? { kind: 'oom', code, detail: lastError.message }
        : lastError
          ? { kind: 'error', code, detail: lastError.message }
          : { kind: 'exit', code };
    exitListener?.(exited);
  });
  return {
    send: (m: HostMessage) => port1.postMessage(m),
    onMessage: (listener) => port1.on('message', (m: GuestMessage) => listener(m)),
    onExit: (listener) => {
      exitListener = listener;
      if (exited) listener(exited);
    },
    // A worker's memory is the process's: growth of the whole is the only outside sign.
    residentBytes: () => (exited ? undefined : process.memoryUsage.rss()),
    terminate: async () => {
      if (exited) return;
      await worker.terminate();
    },
  };
}
