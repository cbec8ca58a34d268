import type { DriverContext, OperationContext, PropertyBag } from '../driver/driver-definition.js';
import type { Logger } from '../logger.js';
import { createTranslator, type MessageCatalog } from '../messages/messages.js';

/** The driver a fake context names when the caller names none. */
export const TEST_DRIVER = Object.freeze({ id: 'com.example.test', version: '1.0.0' });

/** Options of {@link fakeDriverContext} and {@link fakeContext}. */
export interface FakeContextOptions {
  /** The driver the context names (default {@link TEST_DRIVER}). */
  readonly driver?: { readonly id: string; readonly version: string };
  /** The messages `t` resolves in (default none: `t` answers the key). */
  readonly messages?: MessageCatalog;
  /** The caller's locale for `t` (default `en`). */
  readonly locale?: string;
  /** The context's signal (default a fresh, never-aborted one). */
  readonly signal?: AbortSignal;
}

/** Options of {@link fakeContext}: those of a driver context plus the resource served. */
export interface FakeOperationContextOptions extends FakeContextOptions {
  /** The id of the resource the operation is for (default `resource-1`). */
  readonly resourceId?: string;
}

/** What a fake context adds: every call of its recording logger, as the argument list. */
export interface LogRecord {
  readonly logLines: unknown[];
}

/**
 * A logger that pushes each call's arguments to `lines`; children log to the same lines so a
 * test sees everything an operation logged, whatever bindings the driver added.
 */
export function recordingLogger(lines: unknown[]): Logger {
  const log = (...args: unknown[]): void => {
    lines.push(args);
  };
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

/**
 * A {@link DriverContext} like the one a loader builds for `start`/`stop`/`health`/`migrate`:
 * `t` resolves like the real one (locale, base language, `en`, then the key).
 */
export function fakeDriverContext(options: FakeContextOptions = {}): DriverContext & LogRecord {
  const logLines: unknown[] = [];
  return {
    driver: options.driver ?? TEST_DRIVER,
    logger: recordingLogger(logLines),
    logLines,
    signal: options.signal ?? new AbortController().signal,
    t: createTranslator(options.messages, options.locale ?? 'en'),
  };
}

/**
 * An {@link OperationContext} like the one the runtime hands a driver operation: the given
 * bag, a test resource owned by the driver, a recording logger and `t` over `messages`. For
 * calling a driver's methods directly in its unit tests.
 */
export function fakeContext<P extends PropertyBag>(
  properties: P,
  options: FakeOperationContextOptions = {},
): OperationContext<P> & LogRecord {
  const base = fakeDriverContext(options);
  return {
    ...base,
    properties,
    resource: {
      id: options.resourceId ?? 'resource-1',
      kind: 'test',
      category: 'test',
      driverId: base.driver.id,
    },
  };
}
