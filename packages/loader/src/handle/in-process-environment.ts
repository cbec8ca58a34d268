import type { Logger } from '@chassis/kernel';
import { DriverRuntime } from '../guest/driver-runtime.js';
import type { GuestInit } from '../rpc/protocol.js';
import type { Environment } from './environment.js';

let instances = 0;

/**
 * The `in-process` tier: the entry is imported into the host with a fresh module instance per
 * load (`?instance=N`). Fast, but it shares the host's heap, event loop and `process`: it can
 * contain throws and hangs (through the executor's timeout) and nothing else.
 */
export async function createInProcessEnvironment(
  init: GuestInit,
  logger: Logger,
): Promise<Environment> {
  const runtime = await DriverRuntime.load(
    { ...init, instance: ++instances },
    (level, b, f, m) => logger.child(b)[level](f, m),
    { shared: true },
  );
  return {
    tier: 'in-process',
    call: (op, sink) => {
      let answer: Promise<unknown>;
      try {
        answer = Promise.resolve(runtime.perform(op, sink.cancel));
      } catch (err) {
        answer = Promise.reject(err);
      }
      // One hop even for a synchronous answer (or throw): settling in the same turn would start
      // the next queued call from inside this one, and a queue of synchronous drivers would recurse.
      answer.then(
        (v) => sink.resolve(v),
        (e) => sink.reject(e),
      );
    },
    probe: async () => true,
    // Shares the host's heap: no number here would be the driver's own.
    memory: async () => undefined,
    kill: async () => {},
    onFault: () => {},
    dispose: async () => {},
  };
}
