import type {
  DriverContext,
  DriverDefinition,
  DriverHandle,
  OperationContext,
} from '../driver/driver-definition.js';
import { ChassisError } from '../errors/chassis-error.js';
import { wrapDriverError } from '../errors/driver-error.js';
import { silentLogger } from '../logger.js';
import { createTranslator, type MessageCatalog } from '../messages/messages.js';

/** Options of {@link inProcessHandle}. */
export interface InProcessHandleOptions {
  /** The driver's message catalog, for the `t` of its contexts (default none). */
  readonly messages?: MessageCatalog;
  /**
   * Pass arguments and results through `structuredClone`, as the worker and process tiers do
   * (default `true`), so a test fails when a driver returns something that is not plain data
   * or keeps a reference to its caller's arguments. `false` shares objects like the host's
   * own in-process tier, for tests that measure memory or identity.
   */
  readonly clone?: boolean;
}

type Method = (...args: unknown[]) => unknown;

/**
 * A {@link DriverHandle} that runs `definition` in the test's own process, standing in for the
 * loader's tiers: hooks get a driver context, `invoke` calls `provides[point][method]` with a
 * full {@link OperationContext} built from the invocation context (`t` in the caller's
 * locale). Like the loader, a missing hook is a no-op (`migrate` keeps the state as it is),
 * a missing method is `CHASSIS_E_LOADER_NO_METHOD`, and a driver's own error is wrapped once
 * as `CHASSIS_E_DRIVER_OPERATION_FAILED` ({@link wrapDriverError}).
 */
export function inProcessHandle(
  definition: DriverDefinition,
  driver: { readonly id: string; readonly version: string },
  options: InProcessHandleOptions = {},
): DriverHandle {
  const { id, version } = driver;
  const { messages, clone = true } = options;
  const pass = clone ? <T>(value: T): T => structuredClone(value) : <T>(value: T): T => value;
  const context = (signal?: AbortSignal, locale = 'en'): DriverContext => ({
    driver: { id, version },
    logger: silentLogger,
    signal: signal ?? new AbortController().signal,
    t: createTranslator(messages, locale),
  });
  const guard = <R>(operation: string, resource: string | undefined, run: () => Promise<R>) =>
    Promise.resolve()
      .then(run)
      .catch((err: unknown) => {
        throw wrapDriverError(err, {
          driver: id,
          version,
          operation,
          ...(resource === undefined ? {} : { resource }),
        });
      });
  return {
    id,
    version,
    tier: 'in-process',
    start: (o) => guard('start', undefined, async () => definition.start?.(context(o?.signal))),
    stop: (o) => guard('stop', undefined, async () => definition.stop?.(context(o?.signal))),
    health: (o) =>
      guard(
        'health',
        undefined,
        async () => (await definition.health?.(context(o?.signal))) ?? { healthy: true },
      ),
    migrate: (from, state, o) =>
      guard('migrate', undefined, async () =>
        definition.migrate ? definition.migrate(from, state, context(o?.signal)) : state,
      ),
    invoke: (point, method, ctx, args, o) =>
      guard(`${point}.${method}`, ctx.resource.id, async () => {
        const impl = definition.provides[point] as Record<string, unknown> | undefined;
        const fn = impl?.[method];
        if (typeof fn !== 'function')
          throw new ChassisError(
            'CHASSIS_E_LOADER_NO_METHOD',
            `driver ${id}@${version} does not implement ${point}.${method}`,
            { details: { driver: id, point, method } },
          );
        const full: OperationContext = {
          ...context(o?.signal, ctx.locale),
          properties: ctx.properties as OperationContext['properties'],
          resource: ctx.resource,
        };
        return pass(await (fn as Method).call(impl, full, ...pass(args)));
      }),
    dispose: async () => {},
  };
}
