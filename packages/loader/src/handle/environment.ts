import type { ChassisError, IsolationTier } from '@chassis/kernel';
import type { CallSink } from '../executor/job.js';
import type { DriverOp, GuestMemory } from '../rpc/protocol.js';

/**
 * Memory of one driver's isolated environment, as the environment itself measured it. Heap and
 * external numbers belong to the driver's own V8 isolate; `rssBytes` is present only in the
 * `process` tier (a worker thread shares its process's resident set with the host).
 */
export interface DriverMemory extends GuestMemory {
  readonly tier: Exclude<IsolationTier, 'in-process'>;
}

/**
 * One live execution environment of a driver (a module instance in the host, a worker thread,
 * a child process). A handle owns one at a time and replaces it on `restart()`.
 */
export interface Environment {
  readonly tier: IsolationTier;
  /**
   * Runs one operation and settles `sink` with its result, or with whatever the driver (or the
   * environment) raised; `sink.cancel` aborts it. A callback, not a promise: the answer settles
   * the caller's promise in the turn it arrives.
   */
  call(op: DriverOp, sink: CallSink): void;
  /** True when the environment answers a ping within `timeoutMs` (always true in-process). */
  probe(timeoutMs: number): Promise<boolean>;
  /**
   * The environment's own memory, or `undefined` when it has none of its own (in-process: it
   * shares the host's heap), is gone, or did not answer within `timeoutMs`. Never rejects.
   */
  memory(timeoutMs: number): Promise<DriverMemory | undefined>;
  /** Declares the environment stuck: it is ended and every pending call rejects with `fault`. */
  kill(fault: ChassisError): Promise<void>;
  /** Called once when the environment dies on its own (crash, exit, out of memory). */
  onFault(listener: (fault: ChassisError) => void): void;
  /** Ends the environment; pending calls reject with `CHASSIS_E_LOADER_DISPOSED`. Idempotent. */
  dispose(): Promise<void>;
}
