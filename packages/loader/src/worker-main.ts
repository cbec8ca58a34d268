/**
 * Bootstrap of the `worker` tier. The build bundles it with everything it imports into
 * `dist/guest-worker.cjs` (CommonJS), which the host starts (see `bootstrapUrl`). It imports
 * only the guest and the kernel's dependency-free subpaths, and none of the process tier's
 * channel (`node:net`, the frame codec): a module a worker loads is paid for by every driver's
 * start (`node:net` alone is about 2.5 ms of a worker's CPU).
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { bootGuest } from './guest/boot.js';
import type { GuestFrame } from './rpc/protocol.js';

/** What the host passes in `workerData` (see `createWorkerTransport`). */
interface WorkerBoot {
  readonly port: MessagePort;
  readonly options?: { readonly maxMessageBytes?: number };
}

const boot = workerData as WorkerBoot;
bootGuest(
  {
    send: (m: GuestFrame, done?: () => void) => {
      boot.port.postMessage(m);
      // A MessagePort delivers what was posted before the thread ends; give it one turn.
      if (done) setImmediate(done);
    },
    onMessage: (listener) => boot.port.on('message', listener),
  },
  boot.options?.maxMessageBytes,
);
