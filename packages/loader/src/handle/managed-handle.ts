import {
  ChassisError,
  type DriverContainer,
  type DriverHandle,
  type HealthStatus,
  type InvocationContext,
  type InvokeOptions,
  type IsolationTier,
  wrapDriverError,
} from '@chassis/kernel';
import type { BackoffPolicy } from '../backoff.js';
import { Executor, type ExecutorMetrics, type ExecutorOptions } from '../executor/executor.js';
import type { DriverOp } from '../rpc/protocol.js';
import type { DriverMemory, Environment } from './environment.js';

const NO_OPTIONS: InvokeOptions = Object.freeze({});
/** The call site of a call whose caller's stack is not captured (no object per call). */
const NO_SITE: { stack?: string } = Object.freeze({});

/** How long {@link ManagedDriverHandle.memory} waits for the environment's answer by default. */
export const DEFAULT_MEMORY_TIMEOUT_MS = 1000;

/** Options of {@link ManagedDriverHandle.memory}. */
export interface MemoryOptions {
  /** How long to wait for the environment's answer (default {@link DEFAULT_MEMORY_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

/** Where a managed handle is in its life. */
export type HandleState = 'ready' | 'faulted' | 'restarting' | 'disposed';

/** Listener for faults: the runtime moves the driver to `Failed` and schedules a restart. */
export type FaultListener = (fault: ChassisError) => void;

/**
 * A {@link DriverHandle} with what the runtime needs to supervise it: fault notification,
 * `restart()`, the executor's metrics and the restart policy to apply.
 */
export interface ManagedDriverHandle extends DriverHandle {
  readonly state: HandleState;
  /** The fault that ended the current environment, until `restart()`. */
  readonly fault: ChassisError | undefined;
  /** The policy the runtime should apply between restarts. */
  readonly restartPolicy: BackoffPolicy;
  /** Subscribes to faults; returns an unsubscribe function. */
  onFault(listener: FaultListener): () => void;
  /** Replaces the environment with a freshly loaded one (call `start()` afterwards). */
  restart(): Promise<void>;
  metrics(): ExecutorMetrics;
  /**
   * The memory of the driver's own environment, measured there (worker: its isolate; process:
   * the child, `rss` included). `undefined` in-process (it shares the host's heap) and when the
   * environment is disposed, faulted, restarting or does not answer within `timeoutMs`: a
   * reading never throws and never waits longer than that.
   */
  memory(options?: MemoryOptions): Promise<DriverMemory | undefined>;
}

/** Options of {@link ManagedHandle}. */
export interface ManagedHandleOptions {
  readonly id: string;
  readonly version: string;
  readonly tier: IsolationTier;
  readonly executor?: Partial<ExecutorOptions>;
  readonly restartPolicy: BackoffPolicy;
  /** How long a ping may take after a call was aborted before the environment is declared stuck. */
  readonly livenessTimeoutMs: number;
  /** Loads a fresh environment (first load and every restart). */
  readonly load: () => Promise<Environment>;
  /**
   * Capture each call's host-side stack and give it to the error wrapper (default false). A
   * capture costs a few µs per call, more than the whole worker round-trip budget allows, so
   * it is for debugging (the server turns it on at log level `debug`).
   */
  readonly callerStacks?: boolean;
}

/** The loader's {@link ManagedDriverHandle}: same behaviour in every tier. */
export class ManagedHandle implements ManagedDriverHandle {
  readonly id: string;
  readonly version: string;
  readonly tier: IsolationTier;
  readonly restartPolicy: BackoffPolicy;
  private env: Environment | undefined;
  private readonly executor: Executor;
  private readonly listeners = new Set<FaultListener>();
  private currentFault: ChassisError | undefined;
  private current: HandleState = 'ready';
  private carContainer: DriverContainer | undefined;

  /** The per-CAR child container (set once by the loader, right after it is made). */
  get container(): DriverContainer | undefined {
    return this.carContainer;
  }

  /** Attaches the CAR's child container; a second call is a programming error. */
  useContainer(container: DriverContainer): void {
    if (this.carContainer) {
      throw new ChassisError(
        'CHASSIS_E_INTERNAL',
        `${this.id}@${this.version} already has its container`,
      );
    }
    this.carContainer = container;
  }

  private constructor(private readonly options: ManagedHandleOptions) {
    this.id = options.id;
    this.version = options.version;
    this.tier = options.tier;
    this.restartPolicy = options.restartPolicy;
    this.executor = new Executor(options.executor, `${options.id}@${options.version}`);
  }

  /** Loads the first environment; rejects with the load error. */
  static async create(options: ManagedHandleOptions): Promise<ManagedHandle> {
    const h = new ManagedHandle(options);
    h.attach(await options.load());
    return h;
  }

  get state(): HandleState {
    return this.current;
  }
  get fault(): ChassisError | undefined {
    return this.currentFault;
  }

  start(options?: InvokeOptions): Promise<void> {
    return this.run({ op: 'start' }, options) as Promise<void>;
  }
  stop(options?: InvokeOptions): Promise<void> {
    return this.run({ op: 'stop' }, options) as Promise<void>;
  }
  health(options?: InvokeOptions): Promise<HealthStatus> {
    return this.run({ op: 'health' }, options) as Promise<HealthStatus>;
  }
  migrate(fromVersion: string, state: unknown, options?: InvokeOptions): Promise<unknown> {
    return this.run({ op: 'migrate', fromVersion, state }, options);
  }
  invoke(
    point: string,
    method: string,
    ctx: InvocationContext,
    args: readonly unknown[],
    options?: InvokeOptions,
  ): Promise<unknown> {
    return this.run({ op: 'invoke', point, method, ctx, args }, options);
  }

  onFault(listener: FaultListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async restart(): Promise<void> {
    if (this.current === 'disposed') throw this.disposedError();
    this.current = 'restarting';
    const old = this.env;
    this.env = undefined;
    await old?.dispose();
    try {
      this.attach(await this.options.load());
    } catch (err) {
      this.current = 'faulted';
      this.currentFault = ChassisError.is(err)
        ? err
        : new ChassisError('CHASSIS_E_LOADER_LOAD_FAILED', `${this.label()}: restart failed`, {
            cause: err,
          });
      throw this.currentFault;
    }
  }

  metrics(): ExecutorMetrics {
    return this.executor.metrics();
  }

  memory(options: MemoryOptions = {}): Promise<DriverMemory | undefined> {
    const env = this.env;
    if (!env || this.current !== 'ready') return Promise.resolve(undefined);
    // A best-effort sample for metrics: a probe that fails or times out shows no sample. Nothing
    // is lost: faults and unresponsiveness reach the runtime through the handle's own fault path.
    try {
      return env.memory(options.timeoutMs ?? DEFAULT_MEMORY_TIMEOUT_MS).catch(() => undefined);
    } catch {
      return Promise.resolve(undefined);
    }
  }

  async dispose(): Promise<void> {
    if (this.current === 'disposed') return;
    this.current = 'disposed';
    const env = this.env;
    this.env = undefined;
    this.listeners.clear();
    await env?.dispose();
  }

  private attach(env: Environment): void {
    this.env = env;
    this.currentFault = undefined;
    this.current = 'ready';
    env.onFault((f) => this.faulted(env, f));
  }

  private faulted(env: Environment, fault: ChassisError): void {
    if (this.env !== env || this.current === 'disposed') return;
    this.currentFault = fault;
    this.current = 'faulted';
    for (const l of [...this.listeners]) {
      try {
        l(fault);
      } catch {
        // A listener's failure must not stop the others from hearing about the fault.
      }
    }
  }

  private run(op: DriverOp, options: InvokeOptions = NO_OPTIONS): Promise<unknown> {
    if (this.current === 'disposed') return Promise.reject(this.disposedError());
    if (this.currentFault) return Promise.reject(this.currentFault);
    const env = this.env;
    if (!env) return Promise.reject(this.restartingError());
    // The caller's stack, taken here on the host side of the RPC (as Theia's proxy does): a
    // failure surfaces in a later turn, where the stack would only show the transport.
    let site = NO_SITE;
    if (this.options.callerStacks) {
      site = {};
      Error.captureStackTrace(site, ManagedHandle.prototype.run);
    }
    return this.executor.submit(
      (sink) => env.call(op, sink),
      options,
      (err) => this.failure(env, op, err, options.signal, site),
    );
  }

  /** What a failed call rejects with: the environment's fault if it died, else the normalised error. */
  private failure(
    env: Environment,
    op: DriverOp,
    err: unknown,
    signal: AbortSignal | undefined,
    site: { stack?: string },
  ): ChassisError {
    if (this.currentFault && env === this.env) return this.currentFault;
    // Any expiry or abort, whoever set it: a driver that ignores its signal may be spinning.
    if (signal?.aborted) this.checkLiveness(env, signal.reason);
    return this.normalize(err, op, site);
  }

  /** After an abort, a stuck worker/process (e.g. an infinite loop) is ended and reported. */
  private checkLiveness(env: Environment, reason: unknown): void {
    if (env.tier === 'in-process') return;
    void env.probe(this.options.livenessTimeoutMs).then((alive) => {
      // Gone meanwhile (e.g. out of memory): its own fault already says why.
      if (alive || this.env !== env || this.currentFault) return;
      const fault = new ChassisError(
        'CHASSIS_E_LOADER_DRIVER_UNRESPONSIVE',
        `${this.label()} (${env.tier} tier) stopped answering (no reply to a ping within ${this.options.livenessTimeoutMs} ms after a call was aborted; e.g. an infinite loop); it was ended and is Failed until restarted`,
        {
          details: {
            driver: this.id,
            version: this.version,
            tier: env.tier,
            reason: 'unresponsive',
          },
          cause: reason,
        },
      );
      void env.kill(fault);
      this.faulted(env, fault);
    });
  }

  /** The one wrap ({@link wrapDriverError}); a driver error's wrapper gets the host caller's stack. */
  private normalize(err: unknown, op: DriverOp, site: { stack?: string }): ChassisError {
    const wrapped = wrapDriverError(err, {
      driver: this.id,
      version: this.version,
      operation: op.op === 'invoke' ? `${op.point}.${op.method}` : op.op,
      ...(op.op === 'invoke' ? { resource: op.ctx.resource.id } : {}),
    });
    if (wrapped === err || !ChassisError.is(wrapped, 'CHASSIS_E_DRIVER_OPERATION_FAILED'))
      return wrapped;
    const frames = site.stack?.slice(site.stack.indexOf('\n'));
    if (frames) wrapped.stack = `${wrapped.name}: ${wrapped.message}${frames}`;
    return wrapped;
  }

  private label(): string {
    return `driver ${this.id}@${this.version}`;
  }
  private disposedError(): ChassisError {
    return new ChassisError('CHASSIS_E_LOADER_DISPOSED', `${this.label()} was disposed`, {
      details: { driver: this.id, version: this.version },
    });
  }
  private restartingError(): ChassisError {
    return new ChassisError(
      'CHASSIS_E_LOADER_DRIVER_UNRESPONSIVE',
      `${this.label()} is restarting; retry when restart() has finished`,
      { details: { driver: this.id, version: this.version, reason: 'restarting' } },
    );
  }
}
