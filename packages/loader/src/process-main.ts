/**
 * Bootstrap of the `process` tier: a child process started with `--chassis-*` arguments and a
 * framed channel on a file descriptor (see the host's `createProcessTransport`). The build
 * bundles it into `dist/guest-process.cjs` (see `bootstrapUrl`).
 */
import { Socket } from 'node:net';
import { bootGuest } from './guest/boot.js';
import type { GuestEndpoint } from './guest/guest-server.js';
import { encodeFrame, FrameDecoder } from './rpc/frames.js';
import type { GuestFrame, HostFrame } from './rpc/protocol.js';

/** Boot options, from the `--chassis-*` arguments. */
interface BootOptions {
  readonly maxMessageBytes?: number;
  /** The child leads its own process group (spawned detached). */
  readonly ownGroup: boolean;
  /** The fd of the framed channel to the host. */
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

/**
 * The child's end of the framed channel. The host is trusted, so frames from it are not capped
 * here; `onHostGone` runs when the channel closes (the host stopped, crashed or was SIGKILLed).
 */
function processEndpoint(fd: number | undefined, onHostGone: () => void): GuestEndpoint {
  if (!fd) throw new Error('process-main.js must be started with --chassis-channel-fd');
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

const boot = argvOptions();
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
bootGuest(processEndpoint(boot.channelFd, hostGone), boot.maxMessageBytes);
