import { armDeadline } from './deadline.js';
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
import { checkMs, isThenable, refuseSubmit } from './submit-options.js';

/**
 * Creates the serial work queue of one resource, bound to `driver`.
 *
 * Operations run one at a time in submission order, each against the instance bound when it
 * starts. An operation submitted to an idle, active compartment starts synchronously inside
 * `submit` (like a direct call would), so the common case costs one promise and no timer.
 */
export function createCompartment<D>(
  resource: Resource,
  driver: D,
  options: CompartmentOptions = {},
): Compartment<D> {
  return new SerialCompartment(resource, driver, options.name ?? resource.id, options.timeoutMs);
}

class SerialCompartment<D> implements Compartment<D> {
  private _state: CompartmentState = 'active';
  private bound: D;
  private running = false;
  /** The queued entry now running (undefined for a fast-path run, which has no entry). */
  private current: Pending<D> | undefined = undefined;
  private readonly queue = new PendingQueue<D>();
  private drainWaiters: (() => void)[] = [];
  private closing: Promise<void> | undefined = undefined;
  private closed: (() => void) | undefined = undefined;
  /**
   * Handed to operations that have neither a caller signal nor a timeout. Creating an
   * AbortController costs ~2 µs (the whole per-op budget), so one never-aborting signal is
   * shared by the compartment's operations.
   */
  private readonly idleSignal = new AbortController().signal;

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
    return this.running;
  }

  submit<R>(op: Operation<R, D>, options?: SubmitOptions): Promise<R> {
    if (
      this._state === 'active' &&
      !this.running &&
      this.queue.live === 0 &&
      (options?.timeoutMs ?? this.defaultTimeoutMs) === undefined
    ) {
      if (options === undefined) return this.runDirect(op, this.idleSignal);
      // Starting now, a caller signal needs no listener and a suspend timeout no timer.
      const { signal, suspendTimeoutMs } = options;
      if (checkMs(suspendTimeoutMs) && !signal?.aborted)
        return this.runDirect(op, signal ?? this.idleSignal);
    }
    return this.submitSlow(op as Operation<unknown, D>, options) as Promise<R>;
  }

  suspend(): void {
    if (this._state !== 'active') return;
    this._state = 'suspended';
    for (const entry of this.queue.snapshot()) this.armSuspendTimer(entry);
  }

  drain(): Promise<void> {
    if (!this.running) return Promise.resolve();
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
    this.pump();
    if (!this.running) this.idle();
  }

  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this._state = 'closed';
    this.closing = new Promise((resolve) => {
      this.closed = resolve;
    });
    if (!this.running) this.idle();
    return this.closing;
  }

  /** Fast path: idle and active, no run timeout. Runs `op` now, with no queue entry at all. */
  private runDirect<R>(op: Operation<R, D>, signal: AbortSignal): Promise<R> {
    this.running = true;
    let result: R | Promise<R>;
    try {
      result = op(this.bound, signal, Number.POSITIVE_INFINITY);
      // Inside the try: a hostile `then` getter must not leave the compartment marked busy.
      if (isThenable(result)) return Promise.resolve(result).then(this.directOk, this.directErr);
    } catch (err) {
      this.finish();
      return Promise.reject(err);
    }
    this.finish();
    return Promise.resolve(result);
  }

  // Bound once per compartment so the fast path allocates no closures per operation.
  private readonly directOk = <T>(value: T): T => {
    this.finish();
    return value;
  };
  private readonly directErr = (err: unknown): never => {
    this.finish();
    throw err;
  };

  private submitSlow(op: Operation<unknown, D>, options: SubmitOptions = {}): Promise<unknown> {
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
      else if (!this.running) this.pump();
    });
  }

  /** Starts queued work while active and idle; loops (never recurses) over synchronous ops. */
  private pump(): void {
    while (!this.running && this._state === 'active') {
      const entry = this.queue.shift();
      if (entry === undefined) return;
      entry.detach();
      this.running = true;
      let signal = entry.signal ?? this.idleSignal;
      let deadline = Number.POSITIVE_INFINITY;
      if (entry.timeoutMs >= 0) {
        // The one deadline of this call: everything below only listens to its signal.
        entry.deadline = armDeadline(entry.timeoutMs, () => this.runTimedOut(entry), entry.signal);
        signal = entry.deadline.signal;
        deadline = entry.deadline.deadline;
      }
      let result: unknown;
      let async: boolean;
      try {
        result = entry.op(this.bound, signal, deadline);
        async = isThenable(result);
      } catch (err) {
        this.running = false;
        entry.deadline?.clear();
        entry.reject(err);
        continue;
      }
      if (async) {
        this.current = entry;
        Promise.resolve(result as PromiseLike<unknown>).then(this.entryOk, this.entryErr);
        return;
      }
      this.running = false;
      entry.deadline?.clear();
      entry.resolve(result);
    }
  }

  private readonly entryOk = (value: unknown): void => {
    const entry = this.settleCurrent();
    entry.resolve(value);
    this.finish();
  };
  private readonly entryErr = (err: unknown): void => {
    const entry = this.settleCurrent();
    entry.reject(err);
    this.finish();
  };

  private settleCurrent(): Pending<D> {
    const entry = this.current!;
    this.current = undefined;
    entry.deadline?.clear();
    return entry;
  }

  /** The running operation settled: start the next one, or tell waiters we are idle. */
  private finish(): void {
    this.running = false;
    this.pump();
    if (!this.running) this.idle();
  }

  /** Nothing is in flight: release drain() waiters and complete a pending close(). */
  private idle(): void {
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

  /** The run deadline passed: the reason its signal aborts with, and the caller's rejection. */
  private runTimedOut(entry: Pending<D>): unknown {
    const err = resourceErrors.opTimeout(this.resource.id, this.name, entry.timeoutMs);
    // The caller stops waiting; the compartment keeps waiting for the op (entryOk/entryErr), and
    // the later resolve/reject on this settled promise is a no-op.
    entry.reject(err);
    return err;
  }
}
