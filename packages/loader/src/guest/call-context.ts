import type { DriverContext, Logger, OperationContext } from '@chassis/kernel';
import type { Cancellation } from '../executor/cancellation.js';
import type { LogSink } from './forwarding-logger.js';
import { forwardingLogger } from './forwarding-logger.js';

const EMPTY = Object.freeze({}) as OperationContext['properties'];

/** What every context of one driver shares (built once per loaded driver). */
export interface ContextScope {
  readonly driver: DriverContext['driver'];
  readonly sink: LogSink;
  /** `t` for a locale; the runtime caches one per locale. */
  translator(locale: string | undefined): DriverContext['t'];
}

/**
 * The context a hook or operation receives. A call's context is made for every call, so it is
 * a class instance (one small allocation) rather than an object literal with getters: V8 builds
 * a literal with accessors through its slow path, which cost more than the rest of the guest's
 * per-call work together. `logger`, `t` and `signal` are lazy accessors on the prototype: most
 * operations read few of them, and an AbortSignal costs microseconds in Node (see
 * {@link Cancellation}). Drivers read or destructure them; spreading `ctx` copies only the
 * data members (`driver`, `properties`, `resource`).
 */
export class CallContext implements OperationContext {
  readonly driver: DriverContext['driver'];
  readonly properties: OperationContext['properties'];
  readonly resource: OperationContext['resource'];
  readonly #scope: ContextScope;
  readonly #cancel: Cancellation;
  readonly #locale: string | undefined;
  #logger: Logger | undefined;
  #t: DriverContext['t'] | undefined;

  constructor(
    scope: ContextScope,
    cancel: Cancellation,
    properties?: OperationContext['properties'],
    resource?: OperationContext['resource'],
    locale?: string,
  ) {
    this.driver = scope.driver;
    this.properties = properties ?? EMPTY;
    this.resource = resource as OperationContext['resource'];
    this.#scope = scope;
    this.#cancel = cancel;
    this.#locale = locale;
  }

  /** The driver's logger; an operation's lines carry the resource id. */
  get logger(): Logger {
    this.#logger ??= forwardingLogger(
      this.#scope.sink,
      this.resource === undefined ? {} : { resource: this.resource.id },
    );
    return this.#logger;
  }

  /** Labels from the CAR's messages in the caller's locale. */
  get t(): DriverContext['t'] {
    this.#t ??= this.#scope.translator(this.#locale);
    return this.#t;
  }

  /** Aborted on timeout or when the caller cancels (made on first read). */
  get signal(): AbortSignal {
    return this.#cancel.signal;
  }
}
