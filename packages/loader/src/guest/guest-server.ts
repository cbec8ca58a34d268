import { ChassisError, serializeError, toPlain } from '@chassis/kernel/errors';
import { Cancellation } from '../executor/cancellation.js';
import { Outbox } from '../rpc/outbox.js';
import {
  eachMessage,
  type GuestFrame,
  type GuestMessage,
  type HookOp,
  type HostFrame,
  type HostMessage,
  type InvokeCall,
  isTuple,
} from '../rpc/protocol.js';
import { capAndMeasure, DEFAULT_MAX_MESSAGE_BYTES } from '../rpc/size-cap.js';
import { DriverRuntime } from './driver-runtime.js';
import { measureGuestMemory } from './memory.js';

/** The guest's end of a transport (a MessagePort in a worker, the IPC channel in a child). */
export interface GuestEndpoint {
  /** Posts one frame; throws what cloning throws for a value that cannot cross. */
  send(frame: GuestFrame, done?: () => void): void;
  onMessage(listener: (frame: HostFrame) => void): void;
}

/** Options of {@link serveGuest}. */
export interface ServeOptions {
  /** Size cap of what the guest sends (bytes); default the kernel's 16 MiB. */
  readonly maxMessageBytes?: number;
}

/** What {@link serveGuest} hands back to its bootstrap. */
export interface ServedGuest {
  /** Posts what the guest queued (before a fatal report ends the environment). */
  flush(): void;
}

/**
 * Serves the protocol for one driver inside a worker or child process: waits for `init`, loads
 * the driver, then runs calls concurrently, each with its own {@link Cancellation}. What it
 * sends is capped ({@link capAndMeasure}) and coalesced ({@link Outbox}): the answers to one
 * incoming batch of calls go back as one frame.
 */
export function serveGuest(endpoint: GuestEndpoint, options: ServeOptions = {}): ServedGuest {
  let runtime: DriverRuntime | undefined;
  const inflight = new Map<number, Cancellation>();
  const limit = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const outbox = new Outbox<GuestMessage>({
    post: (f) => endpoint.send(f),
    unsendable: (m, err) => {
      // A value that does not survive structured clone: report it as the call's error.
      if (isTuple(m)) endpoint.send({ t: 'error', id: m[0], error: serializeError(err) });
      else if (m.t === 'log') endpoint.send({ ...m, fields: toPlain(m.fields) });
      else throw err;
    },
    maxBatchBytes: limit,
  });
  const send = (m: GuestMessage) => {
    const out = capAndMeasure(m, limit);
    outbox.send(out.message, out.size);
  };
  /** Runs one call (an {@link InvokeCall}'s or a hook's) and answers it, at once when it is synchronous. */
  const call = (id: number, op: InvokeCall | HookOp) => {
    const r = runtime;
    if (!r) {
      send({ t: 'error', id, error: serializeError(new Error('driver is not loaded yet')) });
      return;
    }
    const cancel = new Cancellation();
    let value: unknown;
    try {
      value = isTuple(op) ? r.invoke(op[1], op[2], op[3], op[4], cancel) : r.perform(op, cancel);
    } catch (err) {
      send({ t: 'error', id, error: serializeError(err) });
      return;
    }
    // A driver that answered synchronously is answered now: nothing is left to abort.
    if (!isThenable(value)) {
      send([id, value]);
      return;
    }
    inflight.set(id, cancel);
    Promise.resolve(value).then(
      (v) => {
        inflight.delete(id);
        send([id, v]);
      },
      (err) => {
        inflight.delete(id);
        send({ t: 'error', id, error: serializeError(err) });
      },
    );
  };
  const receive = (m: HostMessage) => {
    if (isTuple(m)) {
      call(m[0], m);
      return;
    }
    switch (m.t) {
      case 'init':
        DriverRuntime.load(m.init, (level, bindings, fields, msg) =>
          send({ t: 'log', level, bindings, fields, ...(msg === undefined ? {} : { msg }) }),
        ).then(
          (r) => {
            runtime = r;
            send({ t: 'ready' });
          },
          (err) => send({ t: 'load-error', error: serializeError(err) }),
        );
        return;
      case 'call':
        call(m.id, m.op);
        return;
      case 'abort':
        // The owner's typed reason (e.g. CHASSIS_E_RESOURCE_OP_TIMEOUT) becomes ctx.signal.reason.
        inflight.get(m.id)?.abort(ChassisError.fromJSON(m.reason));
        inflight.delete(m.id);
        return;
      case 'ping':
        send({ t: 'pong', id: m.id });
        return;
      case 'memory':
        send({ t: 'memory', id: m.id, memory: measureGuestMemory() });
        return;
    }
  };
  endpoint.onMessage((f) => {
    // Answers given while this frame is handled (synchronous results) leave as one frame.
    outbox.hold();
    try {
      eachMessage(f, receive);
    } finally {
      outbox.release();
    }
  });
  return { flush: () => outbox.flush() };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Reports uncaught exceptions and unhandled rejections to the host, then ends the environment:
 * a driver in that state cannot be trusted to keep serving.
 */
export function reportFatalErrors(
  endpoint: GuestEndpoint,
  exit: (code: number) => void,
  served?: ServedGuest,
): void {
  const fatal = (reason: 'uncaught-exception' | 'unhandled-rejection') => (err: unknown) => {
    try {
      // What was answered before the fault still reaches the host, and before the report.
      served?.flush();
      endpoint.send({ t: 'fatal', reason, error: serializeError(err) }, () => exit(70));
    } catch {
      exit(70);
    }
  };
  process.on('uncaughtException', fatal('uncaught-exception'));
  process.on('unhandledRejection', fatal('unhandled-rejection'));
}
