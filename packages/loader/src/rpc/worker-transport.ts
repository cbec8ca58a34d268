import { MessageChannel, type ResourceLimits, Worker } from 'node:worker_threads';
import { bootstrapUrl } from '../bootstrap-path.js';
import type { GuestFrame, HostFrame } from './protocol.js';
import { cloneSizeOver, hostMessageLimit } from './size-cap.js';
import type { ExitInfo, Transport } from './transport.js';

/** Options of a worker-tier environment. */
export interface WorkerTransportOptions {
  readonly resourceLimits?: ResourceLimits;
  /** Environment name shown in debuggers and heap snapshots. */
  readonly name?: string;
  /** The worker's `process.env` (default: none of the host's variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** Size cap the guest applies to what it posts (bytes); the host refuses more (see below). */
  readonly maxMessageBytes?: number;
  /** Receives the worker's stdout/stderr (instead of the host's own stdout). */
  readonly onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

/**
 * A worker thread speaking the protocol over a dedicated MessagePort (transferred in
 * `workerData`), so driver traffic never mixes with the Worker object's own channel.
 *
 * The host measures every message the worker posts ({@link cloneSizeOver}, a walk bounded by
 * the cap) before passing it on. One over {@link hostMessageLimit} can only come from a driver
 * that posted on the port itself, past its guest's own cap: it is dropped, the worker is ended
 * and its exit reported as `oversized` (`CHASSIS_E_LOADER_MESSAGE_TOO_LARGE`), as in the
 * process tier. Unlike a process-tier frame, Node has already materialised the message in the
 * shared process when the host first sees it (a port has no length header to read first): the
 * cap bounds what the host keeps and acts on, not that transient copy.
 */
export function createWorkerTransport(options: WorkerTransportOptions = {}): Transport {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(bootstrapUrl('worker'), {
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
  const limit = hostMessageLimit(options.maxMessageBytes);
  let refused: { size: number; limit: number } | undefined;
  worker.on('error', (err: Error & { code?: string }) => {
    lastError = { code: err.code, message: err.message };
  });
  worker.on('exit', (code) => {
    port1.close();
    exited = refused
      ? { kind: 'oversized', code, size: refused.size, limit: refused.limit }
      : lastError?.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? { kind: 'oom', code, detail: lastError.message }
        : lastError
          ? { kind: 'error', code, detail: lastError.message }
          : { kind: 'exit', code };
    exitListener?.(exited);
  });
  return {
    send: (m: HostFrame) => port1.postMessage(m),
    onMessage: (listener) =>
      port1.on('message', (m: GuestFrame) => {
        if (refused) return;
        const size = cloneSizeOver(m, limit);
        if (size <= limit) {
          listener(m);
          return;
        }
        // Past the guest's own cap: drop it and end the worker, whatever else it had queued.
        refused = { size, limit };
        port1.close();
        void worker.terminate();
      }),
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
