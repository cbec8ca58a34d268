import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  DriverContext,
  DriverDefinition,
  HealthStatus,
  InvocationContext,
  OperationContext,
} from '@chassis/kernel';
import { ChassisError } from '@chassis/kernel/errors';
import { createTranslator } from '@chassis/kernel/messages';
import type { Cancellation } from '../executor/cancellation.js';
import type { DriverOp, GuestInit, HookOp } from '../rpc/protocol.js';
import { CallContext, type ContextScope } from './call-context.js';
import type { LogSink } from './forwarding-logger.js';

/** Options of {@link DriverRuntime.load}. */
export interface DriverRuntimeOptions {
  /**
   * True when operations arrive by reference from their caller (the in-process tier): a
   * property bag that is not frozen yet is then copied before it is frozen, so the caller's
   * object is never changed. In a worker or child process every operation is the runtime's own
   * structured-clone copy and is frozen in place.
   */
  readonly shared?: boolean;
}

/** Translators kept per locale; callers use a handful, this only bounds a misbehaving one. */
const MAX_LOCALES = 64;

/**
 * The driver side of every tier: imports the CAR's entry, checks it is a
 * {@link DriverDefinition}, rebuilds contexts (logger, signal, `t`) from plain data and
 * dispatches operations. Runs in the host (in-process) or in a worker/child process unchanged.
 */
export class DriverRuntime implements ContextScope {
  readonly driver: DriverContext['driver'];
  private readonly translators = new Map<string, DriverContext['t']>();

  private constructor(
    private readonly init: GuestInit,
    private readonly definition: DriverDefinition,
    readonly sink: LogSink,
    private readonly shared: boolean,
  ) {
    this.driver = init.driver;
  }

  /** Imports the entry module; errors carry `CHASSIS_E_LOADER_LOAD_FAILED` / `_ENTRY_INVALID`. */
  static async load(
    init: GuestInit,
    sink: LogSink,
    options: DriverRuntimeOptions = {},
  ): Promise<DriverRuntime> {
    if (isAbsolute(init.entry) || init.entry.split(/[\\/]/).includes('..')) {
      throw new ChassisError(
        'CHASSIS_E_LOADER_ENTRY_INVALID',
        `driver ${init.driver.id}: entry "${init.entry}" must be a relative path inside the CAR`,
        { details: { driver: init.driver.id, entry: init.entry } },
      );
    }
    const url = pathToFileURL(join(init.dir, init.entry));
    if (init.instance !== undefined) url.search = `instance=${init.instance}`;
    let mod: { default?: unknown };
    try {
      mod = (await import(url.href)) as { default?: unknown };
    } catch (cause) {
      const err = new ChassisError(
        'CHASSIS_E_LOADER_LOAD_FAILED',
        `driver ${init.driver.id}@${init.driver.version}: importing ${init.entry} threw: ${
          cause instanceof Error ? cause.message : String(cause)
        }`,
        { details: { driver: init.driver.id, version: init.driver.version, entry: init.entry } },
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
      throw new ChassisError(
        'CHASSIS_E_LOADER_ENTRY_INVALID',
        `driver ${init.driver.id}: ${init.entry} must default-export an object with "provides" (a DriverDefinition)`,
        { details: { driver: init.driver.id, entry: init.entry } },
      );
    }
    return new DriverRuntime(init, def, sink, options.shared === true);
  }

  /**
   * Runs one operation (`cancel.signal` becomes the context's AbortSignal) and returns what the
   * driver returned: a value, or a promise when the driver is asynchronous; it throws what the
   * driver throws. The guest server answers a value in the same turn as the call arrived instead
   * of one promise hop later.
   */
  perform(op: DriverOp, cancel: Cancellation): unknown {
    if (op.op !== 'invoke') return this.hook(op, cancel);
    return this.invoke(op.point, op.method, op.ctx, op.args, cancel);
  }

  /**
   * {@link perform} of an `invoke`, from its parts: a worker or child gets them as a tuple
   * (`InvokeCall`) and builds no operation object for it.
   */
  invoke(
    point: string,
    method: string,
    ctx: InvocationContext,
    args: readonly unknown[],
    cancel: Cancellation,
  ): unknown {
    const impl = this.definition.provides[point] as Record<string, unknown> | undefined;
    const fn = impl?.[method];
    if (typeof fn !== 'function') {
      throw new ChassisError(
        'CHASSIS_E_LOADER_NO_METHOD',
        `driver ${this.init.driver.id} does not implement ${point}.${method}`,
        { details: { driver: this.init.driver.id, point, method } },
      );
    }
    const context = new CallContext(
      this,
      cancel,
      this.frozen(ctx.properties),
      ctx.resource,
      ctx.locale,
    );
    return (fn as (...a: unknown[]) => unknown).call(impl, context, ...args);
  }

  private async hook(op: HookOp, cancel: Cancellation): Promise<unknown> {
    const def = this.definition;
    switch (op.op) {
      case 'start':
        await def.start?.(new CallContext(this, cancel));
        return undefined;
      case 'stop':
        await def.stop?.(new CallContext(this, cancel));
        return undefined;
      case 'health':
        return (
          (await def.health?.(new CallContext(this, cancel))) ?? ({ healthy: true } as HealthStatus)
        );
      case 'migrate':
        return def.migrate
          ? await def.migrate(op.fromVersion, op.state, new CallContext(this, cancel))
          : op.state;
    }
  }

  /** `t` for `locale` (one translator per locale, built on first use). */
  translator(locale: string | undefined): DriverContext['t'] {
    const key = locale ?? 'en';
    let t = this.translators.get(key);
    if (!t) {
      t = createTranslator(this.init.messages, key);
      if (this.translators.size >= MAX_LOCALES) this.translators.clear();
      this.translators.set(key, t);
    }
    return t;
  }

  /** The bag the driver sees: frozen, and never the caller's own object changed. */
  private frozen(properties: Readonly<Record<string, unknown>>): OperationContext['properties'] {
    const bag = properties as OperationContext['properties'];
    // A worker's or child's bag is its own fresh clone (never frozen yet): freeze it in place.
    if (!this.shared) return Object.freeze(bag);
    return Object.isFrozen(bag) ? bag : Object.freeze({ ...bag });
  }
}
