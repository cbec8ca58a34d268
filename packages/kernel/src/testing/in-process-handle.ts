import type {
  DriverContext,
  DriverDefinition,
  DriverHandle,
  OperationContext,
} from '../driver/driver-definition.js';
import { ChassisError } from '../errors/chassis-error.js';
import { silentLogger } from '../logger.js';
import { createTranslator, type MessageCatalog } from '../properties/messages.js';

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
 * locale). Like the loader, a missing hook is a no-op (`migrate` keeps the state as it is)
 * and a missing method is `CHASSIS_E_LOADER_NO_METHOD`.
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
  return {
    id,
    version,
    tier: 'in-process',
    start: async (o) => definition.start?.(context(o?.signal)),
    stop: async (o) => definition.stop?.(context(o?.signal)),
    health: async (o) => (await definition.health?.(context(o?.signal))) ?? { healthy: true },
    migrate: async (from, state, o) =>
      definition.migrate ? definition.migrate(from, state, context(o?.signal)) : state,
    invoke: async (point, method, ctx, args, o) => {
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
    },
    dispose: async () => {},
  };
}
