import {
  createTranslator,
  type DriverDefinition,
  type DriverHandle,
  type MessageCatalog,
  type OperationContext,
  silentLogger,
} from '@chassis/kernel';

/**
 * A test stand-in for the loader's in-process tier: calls `definition.provides[point][method]`
 * with a full OperationContext built from the invocation context and `t` over `messages`.
 */
export function inProcessHandle(
  definition: DriverDefinition,
  id: string,
  version: string,
  messages?: MessageCatalog,
): DriverHandle {
  const driver = { id, version };
  const base = { driver, logger: silentLogger, signal: new AbortController().signal, t: createTranslator(messages, 'en') };
  return {
    id,
    version,
    tier: 'in-process',
    start: async () => definition.start?.(base),
    stop: async () => definition.stop?.(base),
    health: async () => (await definition.health?.(base)) ?? { healthy: true },
    migrate: async (from, state) => definition.migrate?.(from, state, base),
    invoke: async (point, method, ctx, args, options) => {
      const impl = definition.provides[point] as Record<string, (...a: unknown[]) => unknown>;
      const fn = impl?.[method];
      if (typeof fn !== 'function') throw new Error(`${id} does not implement ${point}.${method}`);
      const full: OperationContext = {
        ...base,
        properties: ctx.properties as OperationContext['properties'],
        resource: ctx.resource,
        signal: options?.signal ?? base.signal,
        t: createTranslator(messages, ctx.locale),
      };
      return structuredClone(await fn.call(impl, full, ...structuredClone(args)));
    },
    dispose: async () => {},
  };
}
