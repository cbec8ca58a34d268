import type { KernelConfig } from '../config/kernel-config.js';
import type { Logger } from '../logger.js';
import type { Clock } from './clock.js';

declare const SERVICE: unique symbol;

/**
 * A DI service identifier that remembers the type it resolves to. It is a plain registered
 * symbol (`Symbol.for`), so a CAR or worker holding another copy of the kernel gets the same
 * token.
 */
export type ServiceToken<T> = symbol & { readonly [SERVICE]?: T };

function token<T>(name: string): ServiceToken<T> {
  return Symbol.for(`chassis.kernel.${name}`) as ServiceToken<T>;
}

/**
 * The only services the kernel exports to drivers. `Lifecycle` and `ResourceRegistry` are
 * typed `unknown` here so this file does not depend on their implementations; resolve them
 * with an explicit type argument.
 */
export const KernelTokens = Object.freeze({
  Logger: token<Logger>('logger'),
  Clock: token<Clock>('clock'),
  Lifecycle: token<unknown>('lifecycle'),
  ResourceRegistry: token<unknown>('resourceRegistry'),
  Config: token<KernelConfig>('config'),
});

/** Every exported kernel token, in a fixed order. */
export const KERNEL_EXPORTED_TOKENS: readonly symbol[] = Object.freeze(Object.values(KernelTokens));

/** A readable name for any service identifier (symbols, strings, classes). */
export function describeToken(id: unknown): string {
  if (typeof id === 'symbol') return id.toString();
  if (typeof id === 'function') return `class ${id.name || '(anonymous)'}`;
  return JSON.stringify(id) ?? String(id);
}
