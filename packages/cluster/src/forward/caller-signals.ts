import { ChassisError } from '@chassis/kernel';
import type { DeadlineWatch, Watched } from './deadline-watch.js';

/** What a connection is to {@link CallerSignals}: something that says when it closed. */
export interface Connection {
  once(event: 'close', listener: () => void): unknown;
  /** True once the connection closed (its `close` event may not have been emitted yet). */
  readonly closed: boolean;
}

/** One forwarded call running on the owner: its cancellation, and its end. */
export interface CallerCall {
  /** Aborts at the caller's deadline or when the caller's connection closes. */
  readonly signal: AbortSignal;
}

/** The calls of one connection, and the signal they reuse. */
class ConnectionCalls {
  /** Reused by one call after another while none of them aborted it. */
  shared: AbortController | undefined;
  /** The running calls by the caller's id. */
  readonly running = new Map<number, OwnerCall>();
  closed = false;
  /** Waiting for {@link running} to be empty (`CallerSignals.idle`). */
  idle: (() => void)[] = [];

  constructor(connection: Connection) {
    connection.once('close', () => {
      this.closed = true;
      for (const call of this.running.values()) call.gone('closed the connection');
    });
  }
}

class OwnerCall implements CallerCall, Watched {
  constructor(
    readonly calls: ConnectionCalls,
    readonly id: number,
    readonly controller: AbortController,
    readonly resourceId: string,
    readonly deadline: number,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  expire(): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(
      new ChassisError(
        'CHASSIS_E_RESOURCE_OP_TIMEOUT',
        `the forwarded call on resource "${this.resourceId}" passed the caller's deadline`,
        {
          details: {
            resourceId: this.resourceId,
            deadline: this.deadline,
            reason: 'caller-deadline',
          },
        },
      ),
    );
  }

  /** The caller stopped waiting: it `what` (closed the connection, cancelled the call). */
  gone(what: string, reason = 'caller-gone'): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(
      new ChassisError(
        'CHASSIS_E_RESOURCE_OP_ABORTED',
        `the member that forwarded the call on resource "${this.resourceId}" ${what}`,
        { details: { resourceId: this.resourceId, reason } },
      ),
    );
  }
}

/**
 * The one cancellation of each forwarded call on the owner: it aborts with
 * `CHASSIS_E_RESOURCE_OP_TIMEOUT` when the caller's absolute deadline passes and with
 * `CHASSIS_E_RESOURCE_OP_ABORTED` when the caller cancels it or its connection closes before
 * the answer. The owner's compartment still owns the run deadline of its own configuration;
 * this one only makes sure the owner stops when the caller stopped waiting.
 *
 * Why per connection: an `AbortController` costs microseconds to create, and a channel
 * connection carries one call after another. So the calls of a connection reuse one signal
 * until a call aborts it (that call keeps it, the next gets a fresh one), the connection's
 * close is listened to once, and the deadlines share the channel's one timer
 * ({@link DeadlineWatch}). A call that arrives while another runs on the same connection (the
 * connection carries many at once) gets a signal of its own, so no abort reaches a call it was
 * not meant for.
 */
export class CallerSignals {
  private readonly connections = new WeakMap<Connection, ConnectionCalls>();

  constructor(private readonly deadlines: DeadlineWatch) {}

  /**
   * Call `id` starts on `connection`; call {@link end} once it settled (answered or not).
   * `undefined` when a call of that id already runs there (the caller reused an id).
   */
  begin(
    connection: Connection,
    id: number,
    resourceId: string,
    deadline: number | undefined,
  ): CallerCall | undefined {
    let calls = this.connections.get(connection);
    if (calls === undefined) {
      calls = new ConnectionCalls(connection);
      this.connections.set(connection, calls);
    }
    if (calls.running.has(id)) return undefined;
    let controller: AbortController;
    if (calls.running.size > 0) controller = new AbortController();
    else {
      if (calls.shared === undefined || calls.shared.signal.aborted)
        calls.shared = new AbortController();
      controller = calls.shared;
    }
    const call = new OwnerCall(
      calls,
      id,
      controller,
      resourceId,
      deadline ?? Number.POSITIVE_INFINITY,
    );
    calls.running.set(id, call);
    // Gone already, before the connection's close could be listened to.
    if (calls.closed || connection.closed) call.gone('closed the connection');
    else if (deadline !== undefined) {
      if (deadline <= Date.now()) call.expire();
      else this.deadlines.watch(call);
    }
    return call;
  }

  /** The caller cancelled call `id` on `connection` (nothing when it is not running). */
  cancel(connection: Connection, id: number): void {
    this.connections.get(connection)?.running.get(id)?.gone('cancelled it', 'caller-cancelled');
  }

  /** Resolves once no call runs on `connection` (at once when none does). */
  idle(connection: Connection): Promise<void> {
    const calls = this.connections.get(connection);
    if (!calls || calls.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => calls.idle.push(resolve));
  }

  /** The call settled: its deadline and its connection no longer concern it. */
  end(call: CallerCall): void {
    const c = call as OwnerCall;
    this.deadlines.unwatch(c);
    const calls = c.calls;
    if (calls.running.get(c.id) === c) calls.running.delete(c.id);
    if (calls.running.size === 0 && calls.idle.length > 0) {
      const waiting = calls.idle;
      calls.idle = [];
      for (const resolve of waiting) resolve();
    }
  }
}
