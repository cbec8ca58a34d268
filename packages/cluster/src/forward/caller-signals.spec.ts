import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CallerCall, CallerSignals } from './caller-signals.js';
import { DeadlineWatch } from './deadline-watch.js';

class FakeConnection extends EventEmitter {
  closed = false;
  close(): void {
    this.closed = true;
    this.emit('close');
  }
}

let nextId = 0;
/** `begin` with a fresh id; a call the test starts always starts. */
function begin(
  callers: CallerSignals,
  conn: FakeConnection,
  resourceId: string,
  deadline: number | undefined,
  id = ++nextId,
): CallerCall {
  const call = callers.begin(conn, id, resourceId, deadline);
  if (call === undefined) throw new Error(`call ${id} did not start`);
  return call;
}

const codeOf = (s: AbortSignal) => (s.reason as { code?: string } | undefined)?.code;

describe('CallerSignals (the caller side of forwarded calls on the owner)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reuses one signal for the calls of a connection, one after another, with one close listener', () => {
    const callers = new CallerSignals(new DeadlineWatch());
    const conn = new FakeConnection();
    const signals = new Set<AbortSignal>();
    for (let i = 0; i < 50; i++) {
      const call = begin(callers, conn, 'pool-a', Date.now() + 1000);
      signals.add(call.signal);
      callers.end(call);
    }
    expect(signals.size).toBe(1);
    expect(conn.listenerCount('close')).toBe(1);
    // Positive control: another connection gets another signal.
    const other = begin(callers, new FakeConnection(), 'pool-a', undefined);
    expect(signals.has(other.signal)).toBe(false);
  });

  it("aborts at the caller's deadline; that call keeps the aborted signal, the next gets a fresh one", () => {
    const callers = new CallerSignals(new DeadlineWatch());
    const conn = new FakeConnection();
    const late = begin(callers, conn, 'pool-a', Date.now() + 100);
    vi.advanceTimersByTime(100);
    expect(codeOf(late.signal)).toBe('CHASSIS_E_RESOURCE_OP_TIMEOUT');
    expect(late.signal.reason.details).toMatchObject({ reason: 'caller-deadline' });
    callers.end(late);
    const next = begin(callers, conn, 'pool-a', Date.now() + 100);
    expect(next.signal).not.toBe(late.signal);
    expect(next.signal.aborted).toBe(false);
  });

  it('expires at once a call whose deadline already passed', () => {
    const callers = new CallerSignals(new DeadlineWatch());
    const call = begin(callers, new FakeConnection(), 'pool-a', Date.now() - 1);
    expect(codeOf(call.signal)).toBe('CHASSIS_E_RESOURCE_OP_TIMEOUT');
  });

  it('never aborts a call that settled in time', () => {
    const callers = new CallerSignals(new DeadlineWatch());
    const call = begin(callers, new FakeConnection(), 'pool-a', Date.now() + 100);
    callers.end(call);
    vi.advanceTimersByTime(1000);
    expect(call.signal.aborted).toBe(false);
  });

  it("aborts the running calls when the caller's connection closes, and only those", () => {
    const callers = new CallerSignals(new DeadlineWatch());
    const conn = new FakeConnection();
    const done = begin(callers, conn, 'pool-a', undefined);
    callers.end(done);
    const running = begin(callers, conn, 'pool-a', undefined);
    // A pipelined second call on the same connection has a signal of its own.
    const second = begin(callers, conn, 'pool-b', undefined);
    expect(second.signal).not.toBe(running.signal);
    const elsewhere = begin(callers, new FakeConnection(), 'pool-c', undefined);
    conn.close();
    expect(codeOf(running.signal)).toBe('CHASSIS_E_RESOURCE_OP_ABORTED');
    expect(codeOf(second.signal)).toBe('CHASSIS_E_RESOURCE_OP_ABORTED');
    expect(running.signal.reason.details).toMatchObject({ reason: 'caller-gone' });
    expect(elsewhere.signal.aborted).toBe(false);
  });

  it('a timeout of one pipelined call does not reach the other', () => {
    const callers = new CallerSignals(new DeadlineWatch());
    const conn = new FakeConnection();
    const first = begin(callers, conn, 'pool-a', Date.now() + 1000);
    const second = begin(callers, conn, 'pool-b', Date.now() + 100);
    vi.advanceTimersByTime(100);
    expect(second.signal.aborted).toBe(true);
    expect(first.signal.aborted).toBe(false);
  });

  it('aborts a call the caller cancels, and only that one; a second call under a running id is refused', async () => {
    const callers = new CallerSignals(new DeadlineWatch());
    const conn = new FakeConnection();
    const a = begin(callers, conn, 'pool-a', undefined, 1);
    const b = begin(callers, conn, 'pool-b', undefined, 2);
    expect(callers.begin(conn, 1, 'pool-a', undefined)).toBeUndefined();
    callers.cancel(conn, 1);
    expect(codeOf(a.signal)).toBe('CHASSIS_E_RESOURCE_OP_ABORTED');
    expect(a.signal.reason.details).toMatchObject({ reason: 'caller-cancelled' });
    expect(b.signal.aborted).toBe(false);
    // Cancelling an id that is not running (already answered, or never sent) does nothing.
    callers.end(b);
    callers.cancel(conn, 2);
    callers.cancel(conn, 99);
    expect(b.signal.aborted).toBe(false);
    // Idle once the last call ended, not before (the server's close waits for this).
    let idle = false;
    const waited = callers.idle(conn).then(() => {
      idle = true;
    });
    await Promise.resolve();
    expect(idle).toBe(false);
    callers.end(a);
    await waited;
    expect(idle).toBe(true);
    await callers.idle(conn);
  });

  it('aborts at once a call arriving on a connection that is already gone', () => {
    const callers = new CallerSignals(new DeadlineWatch());
    const conn = new FakeConnection();
    conn.closed = true;
    expect(codeOf(begin(callers, conn, 'pool-a', undefined).signal)).toBe(
      'CHASSIS_E_RESOURCE_OP_ABORTED',
    );
  });
});
