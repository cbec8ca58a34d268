/**
 * Bootstrap of the `worker` and `process` tiers (resolved by the host as
 * `new URL('./worker-main.js', import.meta.url)`). It imports nothing from `@chassis/kernel` at
 * run time so that an idle driver environment stays close to a bare worker in memory.
 */
import { isMainThread, type MessagePort, workerData } from 'node:worker_threads';
import { type GuestEndpoint, reportFatalErrors, serveGuest } from './guest/guest-server.js';
import type { GuestMessage, HostMessage } from './rpc/protocol.js';

function workerEndpoint(port: MessagePort): GuestEndpoint {
  return {
    send: (m: GuestMessage, done?: () => void) => {
      port.postMessage(m);
      // A MessagePort delivers what was posted before the thread ends; give it one turn.
      if (done) setImmediate(done);
    },
    onMessage: (listener) => port.on('message', (m: HostMessage) => listener(m)),
  };
}

function processEndpoint(): GuestEndpoint {
  const send = process.send?.bind(process);
  if (!send) throw new Error('worker-main.js must be started as a worker or with an IPC channel');
  return {
    send: (m: GuestMessage, done?: () => void) => {
      send(m, undefined, undefined, done ? () => done() : undefined);
    },
    onMessage: (listener) => process.on('message', (m) => listener(m as HostMessage)),
  };
}

const endpoint = isMainThread
  ? processEndpoint()
  : workerEndpoint((workerData as { port: MessagePort }).port);
if (isMainThread) process.on('disconnect', () => process.exit(0));
reportFatalErrors(endpoint, (code) => process.exit(code));
serveGuest(endpoint);
