import { resourceErrors } from './errors.js';
import { Pending, PendingQueue } from './pending.js';
import type {
  Compartment,
  CompartmentOptions,
  CompartmentState,
  Operation,
  Resource,
  SubmitOptions,
} from './resource.js';
import { type RunSource, SerialRunner } from './serial-runner.js';
import { checkMs, refuseSubmit } from './submit-options.js';

/**
 * Creates the serial work queue of one resource, bound to `driver`.
 *
 * Operations run one at a time in submission order, each against the instance bound when it
 * starts. An operation submitted to an idle, active compartment starts synchronously inside
 * `submit` (like a direct call would), so the common case costs one promise and no timer of
 * its own (see {@link SerialRunner} for who runs operations and owns their deadlines).
 */
export function createCompartment<D>(
  resource: Resource,
  driver: D,
  options: CompartmentOptions = {},
): Compartment<D> {
  return new SerialCompartment(resource, driver, options.name ?? resource.id, options.timeoutMs);
}

class SerialCompartment<D> implements Compartment<D>, RunSource<D> {
  private _state: CompartmentState = 'active';
  private bound: D;
  private readonly runner = new SerialRunner<D>(this);
  private readonly queue = new PendingQueue<D>();
  private drainWaiters: (() => void)[] = [];
  private closing: Promise<void> | undefined = undefined;
  private closed: (() => void) | undefined = undefined;

  constructor(
    readonly resource: Resource,
    driver: D,
    readonly name: string,
    /** Run deadline of operations submitted without `timeoutMs` (none when undefined). */
    private readonly defaultTimeoutMs: number | undefined,
  ) {
    this.bound = driver;
  }

  get state(): CompartmentState {
    return this._state;
  }
  get driver(): D {
    return this.bound;
  }
  get queued(): number {
    return this.queue.live;
  }
  get busy(): boolean {
    return this.runner.running;
  }

  submit<R>(op: Operation<R, D>, options?: SubmitOptions): Promise<R> {
    if (this._state === 'active' && !this.runner.running && this.queue.live === 0) {
      // Starting now, a caller signal needs no listener and a suspend timeout no timer.
      const timeoutMs = options?.timeoutMs ?? this.defaultTimeoutMs;
      if (options === undefined && timeoutMs === undefined) return this.runner.direct(op);
      const signal = options?.signal;
      if (checkMs(options?.suspendTimeoutMs) && !signal?.aborted) {
        if (timeoutMs === undefined) return this.runner.direct(op, signal);
        if (checkMs(timeoutMs)) return this.runNow(op, timeoutMs, signal);
      }
    }
    return this.enqueue(op as Operation<unknown, D>, options) as Promise<R>;
  }

  suspend(): void {
    if (this._state !== 'active') return;
    this._state = 'suspended';
    for (const entry of this.queue.snapshot()) this.armSuspendTimer(entry);
  }

  drain(): Promise<void> {
    if (!this.runner.running) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  rebind(next: D): void {
    if (this._state === 'closed') throw resourceErrors.closed(this.resource.id, this.name);
    if (this._state !== 'suspended')
      throw resourceErrors.notSuspended(this.resource.id, this.name, this._state);
    this.bound = next;
  }

  resume(): void {
    if (this._state !== 'suspended') return;
    this._state = 'active';
    for (const entry of this.queue.snapshot()) {
      if (entry.suspendTimer !== undefined) {
        clearTimeout(entry.suspendTimer);
        entry.suspendTimer = undefined;
      }
    }
    this.runner.pump();
    if (!this.runner.running) this.idle();
  }

  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this._state = 'closed';
    this.closing = new Promise((resolve) => {
      this.closed = resolve;
    });
    if (!this.runner.running) this.idle();
    return this.closing;
  }

  /** {@link RunSource}: the oldest queued entry, while the compartment is active. */
  next(): Pending<D> | undefined {
    if (this._state !== 'active') return undefined;
    const entry = this.queue.shift();
    entry?.detach();
    return entry;
  }

  /** {@link RunSource}: nothing is in flight; release drain() waiters, complete a close(). */
  idle(): void {
    if (this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (this._state === 'closed' && this.closed !== undefined) {
      for (let entry = this.queue.shift(); entry !== undefined; entry = this.queue.shift()) {
        entry.detach();
        entry.reject(resourceErrors.closed(this.resource.id, this.name));
      }
      const closed = this.closed;
      this.closed = undefined;
      closed();
    }
  }

  /**
   * {@link RunSource}: the run deadline passed. The caller stops waiting; the runner keeps
   * waiting for the op, and the later settlement of this promise is a no-op.
   */
  timedOut(entry: Pending<D>): unknown {
    const err = resourceErrors.opTimeout(this.resource.id, this.name, entry.timeoutMs);
    entry.reject(err);
    return err;
  }

  /** Idle and active, with a run timeout: starts now, without queueing (nor a queue listener). */
  private runNow<R>(op: Operation<R, D>, timeoutMs: number, signal?: AbortSignal): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const entry = new Pending<D>(
        op as Operation<unknown, D>,
        resolve as (value: unknown) => void,
        reject,
        signal,
        -1,
        timeoutMs,
      );
      entry.done = true; // never queued: nothing can remove it from a queue
      this.runner.now(entry);
    });
  }

  private enqueue(op: Operation<unknown, D>, options: SubmitOptions = {}): Promise<unknown> {
    const { signal, suspendTimeoutMs, timeoutMs = this.defaultTimeoutMs } = options;
    const refused = refuseSubmit(this, { signal, suspendTimeoutMs, timeoutMs });
    if (refused !== undefined) return Promise.reject(refused);
    return new Promise((resolve, reject) => {
      const entry = new Pending<D>(
        op,
        resolve,
        reject,
        signal,
        suspendTimeoutMs ?? -1,
        timeoutMs ?? -1,
      );
      if (signal !== undefined) {
        const onAbort = () => this.abortQueued(entry);
        signal.addEventListener('abort', onAbort, { once: true });
        entry.unlisten = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(entry);
      if (this._state === 'suspended') this.armSuspendTimer(entry);
      else this.runner.pump();
    });
  }

  private armSuspendTimer(entry: Pending<D>): void {
    if (entry.suspendTimeoutMs >= 0 && entry.suspendTimer === undefined)
      entry.suspendTimer = setTimeout(this.onSuspendTimeout, entry.suspendTimeoutMs, entry);
  }

  private readonly onSuspendTimeout = (entry: Pending<D>): void => {
    entry.suspendTimer = undefined;
    if (entry.done) return;
    entry.detach();
    this.queue.dropped();
    entry.reject(
      resourceErrors.suspendTimeout(this.resource.id, this.name, entry.suspendTimeoutMs),
    );
  };

  private abortQueued(entry: Pending<D>): void {
    entry.unlisten = undefined; // `once` already removed the listener
    if (entry.done) return;
    entry.detach();
    this.queue.dropped();
    entry.reject(resourceErrors.aborted(this.resource.id, this.name, entry.signal?.reason));
  }
}
