import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  DriverDefinition,
  HealthStatus,
  LogFields,
  Logger,
  OperationContext,
} from '@chassis/kernel';
import type { Cancellation } from '../executor/cancellation.js';
import { GuestError } from './guest-error.js';
import type { DriverOp, GuestInit, LogLevel, LogSink } from './ops.js';

const EMPTY = Object.freeze({});

import { createTranslate } from './translate.js';

/**
 * The driver side of every tier: imports the CAR's entry, checks it is a
 * {@link DriverDefinition}, rebuilds contexts (logger, signal, `t`) from plain data and
 * dispatches operations. Runs in the host (in-process) or in a worker/child process unchanged.
 */
export class DriverRuntime {
  private constructor(
    private readonly init: GuestInit,
    private readonly definition: DriverDefinition,
    private readonly sink: LogSink,
  ) {}

  /** Imports the entry module; errors carry `CHASSIS_E_LOADER_LOAD_FAILED` / `_ENTRY_INVALID`. */
  static async load(init: GuestInit, sink: LogSink): Promise<DriverRuntime> {
    if (isAbsolute(init.entry) || init.entry.split(/[\\/]/).includes('..')) {
      throw new GuestError(
        'CHASSIS_E_LOADER_ENTRY_INVALID',
        `driver ${init.driver.id}: entry "${init.entry}" must be a relative path inside the CAR`,
        { driver: init.driver.id, entry: init.entry },
      );
    }
    const url = pathToFileURL(join(init.dir, init.entry));
    if (init.instance !== undefined) url.search = `instance=${init.instance}`;
    let mod: { default?: unknown };
    try {
      mod = (await import(url.href)) as { default?: unknown };
    } catch (cause) {
      const err = new GuestError(
        'CHASSIS_E_LOADER_LOAD_FAILED',
        `driver ${init.driver.id}@${init.driver.version}: importing ${init.entry} threw: ${
          cause instanceof Error ? cause.message : String(cause)
        }`,
        { driver: init.driver.id, version: init.driver.version, entry: init.entry },
      );
      (err as { cause?: unknown }).cause = cause;
      throw err;
    }
    const def = mod.default as DriverDefinition | undefined;
    if (
      typeof def !== 'object' ||
      def === null ||
      typeof def.provides !== 'object' ||
      !def.provides
    ) {
      throw new GuestError(
        'CHASSIS_E_LOADER_ENTRY_INVALID',
        `driver ${init.driver.id}: ${init.entry} must default-export an object with "provides" (a DriverDefinition)`,
        { driver: init.driver.id, entry: init.entry },
      );
    }
    return new DriverRuntime(init, def, sink);
  }

  /** Runs one operation; `cancel.signal` becomes the context's AbortSignal. */
  async dispatch(op: DriverOp, signal: Cancellation): Promise<unknown> {
    const def = this.definition;
    switch (op.op) {
      case 'start':
        await def.start?.(this.driverContext(signal));
        return undefined;
      case 'stop':
        await def.stop?.(this.driverContext(signal));
        return undefined;
      case 'health':
        return (
          (await def.health?.(this.driverContext(signal))) ?? ({ healthy: true } as HealthStatus)
        );
      case 'migrate':
        return def.migrate
          ? await def.migrate(op.fromVersion, op.state, this.driverContext(signal))
          : op.state;
      case 'invoke': {
        const impl = def.provides[op.point] as Record<string, unknown> | undefined;
        const fn = impl?.[op.method];
        if (typeof fn !== 'function') {
          throw new GuestError(
            'CHASSIS_E_LOADER_NO_METHOD',
            `driver ${this.init.driver.id} does not implement ${op.point}.${op.method}`,
            { driver: this.init.driver.id, point: op.point, method: op.method },
          );
        }
        const ctx = this.driverContext(
          signal,
          { resource: op.ctx.resource.id },
          op.ctx.locale,
          Object.freeze({ ...op.ctx.properties }) as OperationContext['properties'],
          op.ctx.resource,
        );
        return await (fn as (...a: unknown[]) => unknown).call(impl, ctx, ...op.args);
      }
    }
  }

  /**
   * The context a hook or operation receives. `signal`, `logger` and `t` are getters built on
   * first read (an AbortSignal costs microseconds in Node, see {@link Cancellation}); most
   * operations use few of them.
   */
  private driverContext(
    cancel: Cancellation,
    extra: Record<string, unknown> = {},
    locale?: string,
    properties?: OperationContext['properties'],
    resource?: OperationContext['resource'],
  ): OperationContext {
    const { sink, init } = this;
    let logger: Logger | undefined;
    let t: OperationContext['t'] | undefined;
    return {
      driver: init.driver,
      get logger() {
        logger ??= forwardingLogger(sink, extra);
        return logger;
      },
      get t() {
        t ??= createTranslate(init.messages, locale);
        return t;
      },
      get signal() {
        return cancel.signal;
      },
      properties: properties ?? EMPTY,
      resource: resource as OperationContext['resource'],
    };
  }
}

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
