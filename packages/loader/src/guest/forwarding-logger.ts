import type { LogFields, Logger } from '@chassis/kernel';
import type { LogLevel } from '../rpc/protocol.js';

/** Where the driver's log lines go: the host logger (in-process) or a message to the host. */
export type LogSink = (
  level: LogLevel,
  bindings: Record<string, unknown>,
  fields: Record<string, unknown>,
  msg: string | undefined,
) => void;

/** A {@link Logger} whose lines go to `sink` with `bindings` (child loggers add more). */
export function forwardingLogger(sink: LogSink, bindings: Record<string, unknown>): Logger {
  const at =
    (level: LogLevel) =>
    (a: LogFields | string, b?: string): void => {
      if (typeof a === 'string') sink(level, bindings, {}, a);
      else sink(level, bindings, a ?? {}, b);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => forwardingLogger(sink, { ...bindings, ...more }),
  };
}
