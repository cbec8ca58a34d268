import { ChassisError, type IsolationTier, type Logger, serializeError } from '@chassis/kernel';
import type { CallSink } from '../executor/job.js';
import { Outbox } from '../rpc/outbox.js';
import {
  type DriverOp,
  eachMessage,
  type GuestInit,
  type GuestMessage,
  type HostMessage,
  isTuple,
} from '../rpc/protocol.js';
import { cloneSizeOver, tooLargeError } from '../rpc/size-cap.js';
import type { Transport } from '../rpc/transport.js';
import { crashFault } from './crash-fault.js';
import type { DriverMemory, Environment } from './environment.js';
import { type MemoryWatch, pollMemory } from './memory-pressure.js';

/** Options of {@link createRemoteEnvironment}. */
export interface RemoteEnvironmentOptions {
  readonly tier: Exclude<IsolationTier, 'in-process'>;
  readonly transport: Transport;
  readonly init: GuestInit;
  readonly logger: Logger;
  /** How long loading the entry may take. */
  readonly loadTimeoutMs: number;
  /** Heap cap, quoted in out-of-memory causes. */
  readonly heapLimitMb?: number;
  /** Size cap of the arguments sent with one call (bytes); the guest caps what it returns. */
  readonly maxMessageBytes?: number;
}

/**
 * The host side of the protocol for the `worker` and `process` tiers (one implementation over
 * a {@link Transport}): call ids, abort messages, liveness pings, log forwarding, and turning
 * the environment's death into a typed fault.
 */
export function createRemoteEnvironment(o: RemoteEnvironmentOptions): Promise<Environment> {
  const { transport, init, logger, tier } = o;
  const who = `driver ${init.driver.id}@${init.driver.version} (${tier} tier)`;
  const pending = new Map<number, CallSink>();
  const pings = new Map<number, () => void>();
  const memories = new Map<number, (m: DriverMemory | undefined) => void>();
  let nextId = 1;
  let fatal: Extract<GuestMessage, { t: 'fatal' }> | undefined;
  let fault: ChassisError | undefined;
  let ended = false;
  let faultListener: ((f: ChassisError) => void) | undefined;
  let loaded: { resolve: () => void; reject: (e: unknown) => void } | undefined;

  const diedLoading = (cause: ChassisError | undefined) =>
    new ChassisError('CHASSIS_E_LOADER_LOAD_FAILED', `${who} died while loading`, {
      details: { driver: init.driver.id, version: init.driver.version, tier },
      cause,
    });

  const failAll = (err: ChassisError) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    // A memory reading never rejects: an environment that is gone has nothing to report.
    for (const answer of [...memories.values()]) answer(undefined);
  };

  // Host → guest frames need no byte bound (the guest does not cap what its host sends).
  const outbox = new Outbox<HostMessage>({
    post: (f) => transport.send(f),
    unsendable: (m, err) => {
      const id = isTuple(m) ? m[0] : m.t === 'call' ? m.id : undefined;
      if (id === undefined) {
        logger.warn(
          { err, message: (m as { t: string }).t },
          `${who}: a protocol message could not be sent`,
        );
        return;
      }
      // Arguments that do not survive structured clone: that call fails, nothing else.
      const p = pending.get(id);
      pending.delete(id);
      p?.reject(err);
    },
    maxBatchBytes: Number.POSITIVE_INFINITY,
  });
  const send = (m: HostMessage) => outbox.send(m, 0);

  const receive = (m: GuestMessage) => {
    if (isTuple(m)) {
      pending.get(m[0])?.resolve(m[1]);
      pending.delete(m[0]);
      return;
    }
    switch (m.t) {
      case 'error':
        pending.get(m.id)?.reject(ChassisError.fromJSON(m.error));
        pending.delete(m.id);
        return;
      case 'pong':
        pings.get(m.id)?.();
        return;
      case 'memory':
        memories.get(m.id)?.({ tier, ...m.memory });
        return;
      case 'log':
        logger.child(m.bindings)[m.level](m.fields, m.msg);
        return;
      case 'fatal':
        fatal = m;
        return;
      case 'ready':
        loaded?.resolve();
        return;
      case 'load-error':
        loaded?.reject(ChassisError.fromJSON(m.error));
        return;
    }
  };
  transport.onMessage((f) => eachMessage(f, receive));

  transport.onExit((info) => {
    const wasEnded = ended;
    ended = true;
    if (wasEnded) return;
    fault = crashFault(who, init, tier, info, fatal, o.heapLimitMb);
    failAll(fault);
    if (loaded) loaded.reject(diedLoading(fault));
    else faultListener?.(fault);
  });

  const env: Environment = {
    tier,
    call(op: DriverOp, sink: CallSink) {
      if (fault) {
        sink.reject(fault);
        return;
      }
      const limit = o.maxMessageBytes;
      if (limit && (op.op === 'invoke' || op.op === 'migrate')) {
        const size = cloneSizeOver(op.op === 'invoke' ? op.args : op.state, limit);
        if (size > limit) {
          const e = tooLargeError('the call arguments', size, limit, init.driver.id);
          sink.reject(
            new ChassisError('CHASSIS_E_LOADER_MESSAGE_TOO_LARGE', e.message, {
              details: e.details,
            }),
          );
          return;
        }
      }
      const id = nextId++;
      pending.set(id, sink);
      sink.cancel.onAbort((reason) => {
        if (!pending.delete(id)) return;
        send({ t: 'abort', id, reason: serializeError(reason) });
        sink.reject(reason);
      });
      send(op.op === 'invoke' ? [id, op.point, op.method, op.ctx, op.args] : { t: 'call', id, op });
    },
    probe(timeoutMs) {
      if (ended) return Promise.resolve(false);
      const id = nextId++;
      return new Promise<boolean>((resolve) => {
        let grace = 0;
        // Growth is judged against the last reading that grew, and waited for while it grew
        // within GROWTH_STALL_MS: a full GC of a big heap on a busy machine stalls a guest for
        // seconds at a time, and a spinning guest whose memory rose once must not wait 30 s.
        const base = transport.residentBytes?.();
        let watch: MemoryWatch = { mark: base, grewAt: undefined };
        const expired = () => {
          // A guest filling or thrashing at its heap cap cannot answer, but V8 is about to end
          // it: wait for that (bounded), so its fault says out-of-memory, not unresponsive.
          const now = transport.residentBytes?.();
          const poll = pollMemory(watch, now, Date.now(), transport.residentIsOwn, o.heapLimitMb);
          watch = poll.watch;
          // Readable before, not now: the guest is ending; let its exit report say why.
          const vanishing = base !== undefined && now === undefined;
          if (!ended && grace < OOM_GRACE_MS && (poll.wait || vanishing)) {
            grace += OOM_POLL_MS;
            timer = setTimeout(expired, OOM_POLL_MS);
            return;
          }
          pings.delete(id);
          resolve(false);
        };
        let timer = setTimeout(expired, timeoutMs);
        pings.set(id, () => {
          clearTimeout(timer);
          pings.delete(id);
          resolve(true);
        });
        send({ t: 'ping', id });
      });
    },
    memory(timeoutMs) {
      if (ended) return Promise.resolve(undefined);
      const id = nextId++;
      return new Promise<DriverMemory | undefined>((resolve) => {
        const answer = (m: DriverMemory | undefined) => {
          clearTimeout(timer);
          memories.delete(id);
          resolve(m);
        };
        const timer = setTimeout(() => answer(undefined), timeoutMs);
        memories.set(id, answer);
        send({ t: 'memory', id });
      });
    },
    async kill(f) {
      if (ended) return;
      ended = true;
      fault = f;
      failAll(f);
      await transport.terminate();
    },
    onFault(listener) {
      faultListener = listener;
    },
    async dispose() {
      if (ended) return;
      ended = true;
      fault = new ChassisError('CHASSIS_E_LOADER_DISPOSED', `${who} was disposed`, {
        details: { driver: init.driver.id, version: init.driver.version },
      });
      failAll(fault);
      await transport.terminate();
    },
  };

  return new Promise<Environment>((resolve, reject) => {
    const timer = setTimeout(() => {
      loaded?.reject(
        new ChassisError(
          'CHASSIS_E_LOADER_LOAD_FAILED',
          `${who}: loading ${init.entry} did not finish within ${o.loadTimeoutMs} ms`,
          { details: { driver: init.driver.id, version: init.driver.version, tier } },
        ),
      );
    }, o.loadTimeoutMs);
    loaded = {
      resolve: () => {
        clearTimeout(timer);
        loaded = undefined;
        resolve(env);
      },
      reject: (e) => {
        clearTimeout(timer);
        loaded = undefined;
        void env.dispose();
        reject(e);
      },
    };
    // A pre-spawned guest may already be gone (its exit was replayed above): say so now.
    if (ended) loaded.reject(diedLoading(fault));
    else send({ t: 'init', init });
  });
}

/** How long a guest at its heap cap may take to die of it before it is called unresponsive. */
const OOM_GRACE_MS = 30_000;
const OOM_POLL_MS = 100;
