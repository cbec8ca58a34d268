import type { GuestFrame, HostFrame } from './protocol.js';

/** How a guest environment ended, as the host observed it. */
export interface ExitInfo {
  /**
   * `exit` (code), `oom` (heap limit), `signal` (killed), `error` (bootstrap failure or a
   * malformed frame), `oversized` (the host refused a frame over its cap and ended the guest).
   */
  readonly kind: 'exit' | 'oom' | 'signal' | 'error' | 'oversized';
  readonly code?: number | null;
  readonly signal?: string | null;
  /** What the runtime told us (worker `error` event, stderr tail of a child process). */
  readonly detail?: string;
  /** `oversized`: the length the frame's header announced, and the host's cap (bytes). */
  readonly size?: number;
  readonly limit?: number;
}

/**
 * The host's end of one guest environment (a worker thread or a child process). The RPC client
 * is written once against this; each tier only supplies a transport.
 */
export interface Transport {
  /** Posts one frame; throws what cloning throws for a value that cannot cross. */
  send(frame: HostFrame): void;
  onMessage(listener: (frame: GuestFrame) => void): void;
  /** Called once when the environment is gone, for whatever reason. */
  onExit(listener: (info: ExitInfo) => void): void;
  /**
   * Resident memory (bytes) the host can read from outside the environment: a child process's
   * own (`/proc/<pid>/statm`), or the whole process for a worker. A liveness probe uses it to
   * tell a guest dying at its heap cap from one stuck in a loop.
   */
  residentBytes?(): number | undefined;
  /** True when {@link residentBytes} is the environment's alone (a child process). */
  readonly residentIsOwn?: boolean;
  /** Ends the environment (forcefully: it may be stuck in a loop); resolves once it is gone. */
  terminate(): Promise<void>;
}
