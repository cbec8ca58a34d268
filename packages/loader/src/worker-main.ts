/**
 * Bootstrap of the `worker` and `process` tiers. The build bundles it with everything it imports
 * into `dist/guest-bootstrap.cjs` (CommonJS), which the host starts (see `bootstrapUrl`). It imports only
 * the kernel's dependency-free subpaths so that an idle driver environment stays close to a
 * bare worker in memory and boots fast.
 */
import { Socket } from 'node:net';
import { isMainThread, type MessagePort, workerData } from 'node:worker_threads';
import { type GuestEndpoint, reportFatalErrors, serveGuest } from './guest/guest-server.js';
import { encodeFrame, FrameDecoder } from './rpc/frames.js';
import type { GuestFrame, HostFrame } from './rpc/protocol.js';

/** Boot options: `workerData` in a worker, `--chassis-*` arguments in a child process. */
interface BootOptions {
  readonly maxMessageBytes?: number;
  /** The child leads its own process group (spawned detached). */
  readonly ownGroup?: boolean;
  /** The fd of the framed channel to the host (process tier). */
  readonly channelFd?: number;
}

function argvOptions(): BootOptions {
  const arg = (name: string) =>
    process.argv.find((a) => a.startsWith(`--chassis-${name}=`))?.split('=')[1];
  const max = Number(arg('max-message-bytes'));
  const fd = Number(arg('channel-fd'));
  return {
    ...(max > 0 ? { maxMessageBytes: max } : {}),
    ...(fd > 0 ? { channelFd: fd } : {}),
    ownGroup: process.argv.includes('--chassis-own-group'),
  };
}

function workerEndpoint(port: MessagePort): GuestEndpoint {
  return {
    send: (m: GuestFrame, done?: () => void) => {
      port.postMessage(m);
      // A MessagePort delivers what was posted before the thread ends; give it one turn.
      if (done) setImmediate(done);
    },
    onMessage: (listener) => port.on('message', listener),
  };
}

/**
 * The process tier's end of the framed channel (see the host's `createProcessTransport`). The
 * host is trusted, so frames from it are not capped here; `onHostGone` runs when the channel
 * closes (the host stopped, crashed or was SIGKILLed).
 */
function processEndpoint(fd: number | undefined, onHostGone: () => void): GuestEndpoint {
  if (!fd)
    throw new Error('worker-main.js must be started as a worker or with --chassis-channel-fd');
  const channel = new Socket({ fd, readable: true, writable: true });
  let listener: ((m: HostFrame) => void) | undefined;
  const decoder = new FrameDecoder(
    Number.MAX_SAFE_INTEGER,
    (m) => listener?.(m as HostFrame),
    onHostGone,
  );
  channel.on('data', (b: Buffer) => decoder.push(b));
  channel.on('close', onHostGone);
  // EPIPE / ECONNRESET: the host is gone; 'close' follows and ends us.
  channel.on('error', () => undefined);
  return {
    send: (m: GuestFrame, done?: () => void) => {
      channel.write(encodeFrame(m), done ? () => done() : undefined);
    },
    onMessage: (l) => {
      listener = l;
    },
  };
}

const boot: BootOptions = isMainThread
  ? argvOptions()
  : ((workerData as { options?: BootOptions }).options ?? {});
const hostGone = () => {
  // The host is gone (stopped, crashed or SIGKILLed): take whatever the driver started with us.
  if (boot.ownGroup) {
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      // Nothing left to kill; exiting below is all that remains.
    }
  }
  process.exit(0);
};
const endpoint = isMainThread
  ? processEndpoint(boot.channelFd, hostGone)
  : workerEndpoint((workerData as { port: MessagePort }).port);
const served = serveGuest(
  endpoint,
  boot.maxMessageBytes ? { maxMessageBytes: boot.maxMessageBytes } : {},
);
reportFatalErrors(endpoint, (code) => process.exit(code), served);
