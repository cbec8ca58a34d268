import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { bootstrapUrl } from '../bootstrap-path.js';
import { killGroup } from '../confine/process-group.js';
import { encodeFrame, FrameDecoder, type FrameFault } from './frames.js';
import type { GuestFrame, HostFrame } from './protocol.js';
import { hostMessageLimit } from './size-cap.js';
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
/** Most frames kept for a listener not attached yet. */
const EARLY_FRAMES = 16;

/** The child's fd of the framed channel (stdio index 3: a bidirectional Unix socket pair). */
export const CHANNEL_FD = 3;

/**
 * A child process (spawned detached, so it leads its own process group) speaking the protocol
 * over its own framed channel on fd 3: length-prefixed V8 structured-clone frames
 * ({@link encodeFrame}). Node's `child_process` IPC would materialise a whole message before the
 * host could look at its size; here the host reads a frame's length first and refuses one over
 * {@link hostMessageLimit} without buffering it: the environment is ended and reported as
 * `oversized` (`CHASSIS_E_LOADER_MESSAGE_TOO_LARGE`). An honest guest never gets there: it caps
 * what it sends itself and answers an oversized result with a typed error for that call.
 */
export function createProcessTransport(options: ProcessTransportOptions = {}): Transport {
  const args = ['--chassis-own-group', `--chassis-channel-fd=${CHANNEL_FD}`];
  if (options.maxMessageBytes) args.push(`--chassis-max-message-bytes=${options.maxMessageBytes}`);
  const heap = options.maxOldGenerationSizeMb;
  const execArgv = [
    ...(options.execArgv ?? []),
    ...(heap && !options.execArgv?.some((a) => a.startsWith('--max-old-space-size'))
      ? [`--max-old-space-size=${heap}`]
      : []),
  ];
  const child = spawn(
    process.execPath,
    [...execArgv, fileURLToPath(bootstrapUrl('process')), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { ...(options.env ?? {}) },
      ...(options.cwd ? { cwd: options.cwd } : {}),
      // Its own process group: whatever the driver starts is killed with it (killGroup).
      detached: true,
    },
  );
  const channel = child.stdio[CHANNEL_FD] as Socket;
  let frameFault: FrameFault | undefined;
  let messageListener: ((m: GuestFrame) => void) | undefined;
  // Frames that arrive before the host listens (a pre-spawned guest's bootstrap failure) are
  // kept, a bounded few, as a worker's MessagePort keeps them until its listener is added.
  const early: GuestFrame[] = [];
  const decoder = new FrameDecoder(
    hostMessageLimit(options.maxMessageBytes),
    (m) => {
      if (messageListener) messageListener(m as GuestFrame);
      else if (early.length < EARLY_FRAMES) early.push(m as GuestFrame);
    },
    (f) => {
      // A guest that bypassed its own cap, or wrote garbage: it cannot be re-synchronised.
      frameFault = f;
      channel.destroy();
      if (!killGroup(child.pid)) child.kill('SIGKILL');
    },
  );
  channel.on('data', (b: Buffer) => decoder.push(b));
  // The channel ends with the child; its errors (EPIPE after a crash) are reported by 'exit'.
  channel.on('error', () => undefined);
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
      exited = frameFault
        ? frameFault.kind === 'oversized'
          ? { kind: 'oversized', code, signal, size: frameFault.size, limit: frameFault.limit }
          : { kind: 'error', code, detail: `malformed frame from the guest: ${frameFault.detail}` }
        : /heap out of memory|Allocation failed/i.test(stderrTail)
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
    send: (m: HostFrame) => {
      if (!exited && channel.writable) channel.write(encodeFrame(m));
    },
    onMessage: (listener) => {
      messageListener = listener;
      for (const m of early.splice(0)) listener(m);
    },
    residentIsOwn: true,
    residentBytes: () => {
      if (exited || !pid) return undefined;
      try {
        // statm: size resident shared … in pages (4 KiB on every Linux we run on).
        const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
        // 0: a zombie, dead and not yet reaped; its exit is about to be reported.
        return pages > 0 ? pages * 4096 : undefined;
      } catch {
        // No procfs (not Linux) or the child just ended: nothing to tell.
        return undefined;
      }
    },
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
