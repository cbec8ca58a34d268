import { Container, type ServiceIdentifier } from 'inversify';
import { ChassisError } from '../errors/chassis-error.js';
import { describeToken, KERNEL_EXPORTED_TOKENS, type ServiceToken } from './kernel-tokens.js';

/**
 * What a driver gets: resolution only. It resolves the kernel's exported services and the
 * CAR's own bindings, nothing else; it cannot bind, rebind or unbind anything once made.
 */
export interface DriverContainer {
  get<T>(id: ServiceToken<T> | ServiceIdentifier<T>): T;
  getAsync<T>(id: ServiceToken<T> | ServiceIdentifier<T>): Promise<T>;
  /** True when `get(id)` would find a binding the driver may see. */
  isBound(id: ServiceIdentifier): boolean;
}

/** Options for {@link createDriverContainer}. */
export interface DriverContainerOptions {
  /** `id@version` of the driver, for error messages. */
  readonly driver?: string;
}

/**
 * One "exports" container per kernel container: it re-exposes exactly the exported tokens
 * (delegating to the kernel at resolution time) and nothing else, so a driver's dependency
 * graph can never reach a service someone else bound into the kernel container.
 */
const exportsByKernel = new WeakMap<Container, Container>();

function exportsOf(kernel: Container): Container {
  let exports = exportsByKernel.get(kernel);
  if (!exports) {
    exports = new Container();
    for (const id of KERNEL_EXPORTED_TOKENS) exports.bind(id).toDynamicValue(() => kernel.get(id));
    exportsByKernel.set(kernel, exports);
  }
  return exports;
}

/**
 * A child container for one CAR. `ownBindings` receives the child to add the CAR's own
 * bindings (classes, constants, modules); it may not bind kernel tokens
 * (`CHASSIS_E_CONTAINER_KERNEL_TOKEN`). Asking the result for anything that is neither
 * exported by the kernel nor bound by the CAR (also as a nested dependency) throws
 * `CHASSIS_E_CONTAINER_NOT_EXPORTED` naming the token.
 */
export function createDriverContainer(
  kernel: Container,
  ownBindings?: (container: Container) => void,
  options: DriverContainerOptions = {},
): DriverContainer {
  const child = new Container({ parent: exportsOf(kernel) });
  ownBindings?.(child);
  const who = options.driver ? `Driver "${options.driver}"` : 'A driver';
  const shadowed = KERNEL_EXPORTED_TOKENS.filter((id) => child.isCurrentBound(id));
  if (shadowed.length > 0) {
    const names = shadowed.map(describeToken);
    throw new ChassisError(
      'CHASSIS_E_CONTAINER_KERNEL_TOKEN',
      `${who} binds ${names.join(', ')} in its own container; kernel services cannot be ` +
        'replaced by a driver. Bind your own token instead',
      { details: { driver: options.driver ?? null, tokens: names } },
    );
  }

  const exported = new Set<unknown>(KERNEL_EXPORTED_TOKENS);
  const visible = (id: ServiceIdentifier) => exported.has(id) || child.isCurrentBound(id);
  const notExported = (id: unknown, cause?: unknown) =>
    new ChassisError(
      'CHASSIS_E_CONTAINER_NOT_EXPORTED',
      `${who} asked for ${describeToken(id)}, which the kernel does not export and the driver ` +
        'did not bind; drivers may resolve only KernelTokens and their own bindings',
      { details: { driver: options.driver ?? null, token: describeToken(id) }, cause },
    );
  const wrap = (id: unknown, err: unknown) => (isMissingBinding(err) ? notExported(id, err) : err);

  return Object.freeze({
    get<T>(id: ServiceIdentifier<T>): T {
      if (!visible(id)) throw notExported(id);
      try {
        return child.get(id);
      } catch (err) {
        throw wrap(id, err);
      }
    },
    async getAsync<T>(id: ServiceIdentifier<T>): Promise<T> {
      if (!visible(id)) throw notExported(id);
      try {
        return await child.getAsync(id);
      } catch (err) {
        throw wrap(id, err);
      }
    },
    isBound: (id: ServiceIdentifier) => visible(id) && child.isBound(id),
  });
}

/** inversify's planning error for an identifier without bindings (matched by shape). */
function isMissingBinding(err: unknown): boolean {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /No bindings found for service/.test(message);
}
