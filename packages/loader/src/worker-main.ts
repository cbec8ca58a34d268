/**
 * Bootstrap of the `worker` and `process` tiers (resolved by the host as
 * `new URL('./worker-main.js', import.meta.url)`). It imports nothing from `@chassis/kernel` at
 * run time so that an idle driver environment stays close to a bare worker in memory.
 */
import { isMainThread, type MessagePort, workerData } from 'node:worker_threads';
import { type GuestEndpoint, reportFatalErrors, serveGuest } from './guest/guest-server.js';
import type { GuestMessage, HostMessage } from './rpc/protocol.js';
import { capGuestMessage } from './rpc/size-cap.js';

/** Boot options: `workerData` in a worker, `--chassis-*` arguments in a child process. */
interface BootOptions {
  readonly maxMessageBytes?: number;
  /** The child leads its own process group (spawned detached). */
  readonly ownGroup?: boolean;
}

function argvOptions(): BootOptions {
  const arg = (name: string) =>
    process.argv.find((a) => a.startsWith(`--chassis-${name}=`))?.split('=')[1];
  const max = Number(arg('max-message-bytes'));
  return {
    ...(max > 0 ? { maxMessageBytes: max } : {}),
    ownGroup: process.argv.includes('--chassis-own-group'),
  };
}

function capped(send: GuestEndpoint['send'], limit: number | undefined): GuestEndpoint['send'] {
  if (!limit) return send;
  return (m, done) => send(capGuestMessage(m, limit), done);
}

function workerEndpoint(port: MessagePort, limit: number | undefined): GuestEndpoint {
  return {
    send: capped((m: GuestMessage, done?: () => void) => {
      port.postMessage(m);
      // A MessagePort delivers what was posted before the thread ends; give it one turn.
      if (done) setImmediate(done);
    }, limit),
    onMessage: (listener) => port.on('message', (m: HostMessage) => listener(m)),
  };
}

function processEndpoint(limit: number | undefined): GuestEndpoint {
  const send = process.send?.bind(process);
  if (!send) throw new Error('worker-main.js must be started as a worker or with an IPC channel');
  return {
    send: capped((m: GuestMessage, done?: () => void) => {
      send(m, undefined, undefined, done ? () => done() : undefined);
    }, limit),
    onMessage: (listener) => process.on('message', (m) => listener(m as HostMessage)),
  };
}

const boot: BootOptions = isMainThread
  ? argvOptions()
  : ((workerData as { options?: BootOptions }).options ?? {});
const endpoint = isMainThread
  ? processEndpoint(boot.maxMessageBytes)
  : workerEndpoint((workerData as { port: MessagePort }).port, boot.maxMessageBytes);
if (isMainThread) {
  process.on('disconnect', () => {
    // The host is gone (stopped, crashed or SIGKILLed): take whatever the driver started with us.
    if (boot.ownGroup) {
      try {
        process.kill(-process.pid, 'SIGKILL');
      } catch {
        // Nothing left to kill; exiting below is all that remains.
      }
    }
    process.exit(0);
  });
}
reportFatalErrors(endpoint, (code) => process.exit(code));
serveGuest(endpoint);
