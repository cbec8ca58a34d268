import type { Container, ServiceIdentifier } from 'inversify';
import type { DriverContainer } from '../container/driver-container.js';
import type { DriverDescriptor } from '../descriptor/driver-descriptor.js';
import type {
  DriverHandle,
  InvocationContext,
  InvokeOptions,
} from '../driver/driver-definition.js';
import { ChassisError } from '../errors/chassis-error.js';

/** One driver version's implementation of one extension point, as bound in its CAR container. */
export interface ExtensionImplementation {
  readonly point: string;
  /** Calls `method` of this point in the driver's environment. */
  invoke(
    method: string,
    ctx: InvocationContext,
    args: readonly unknown[],
    options?: InvokeOptions,
  ): Promise<unknown>;
}

/** The token under which a CAR's child container holds its implementation of `point`. */
export function implementationToken(point: string): ServiceIdentifier<ExtensionImplementation> {
  return Symbol.for(`chassis.extension-implementation:${point}`);
}

/**
 * Binds, in a CAR's child container, the implementation of every point its descriptor provides.
 * Call it only after `checkProvides` accepted the descriptor at install: the container then
 * holds exactly the implementations the host agreed to route to.
 */
export function bindImplementations(
  child: Container,
  descriptor: DriverDescriptor,
  handle: DriverHandle,
): void {
  for (const { point } of descriptor.provides) {
    const impl: ExtensionImplementation = Object.freeze({
      point,
      invoke: (
        method: string,
        ctx: InvocationContext,
        args: readonly unknown[],
        o?: InvokeOptions,
      ) => handle.invoke(point, method, ctx, args, o),
    });
    child.bind(implementationToken(point)).toConstantValue(impl);
  }
}

const resolved = new WeakMap<DriverContainer, Map<string, ExtensionImplementation>>();

/**
 * The implementation of `point` that `handle` serves, resolved through its CAR container (once
 * per container and point). `CHASSIS_E_EXT_NO_PROVIDER` when the version does not provide the
 * point. A handle without a container (a test double) is called directly.
 */
export function implementationOf(handle: DriverHandle, point: string): ExtensionImplementation {
  const container = handle.container;
  if (!container) {
    return {
      point,
      invoke: (method, ctx, args, o) => handle.invoke(point, method, ctx, args, o),
    };
  }
  let byPoint = resolved.get(container);
  if (!byPoint) {
    byPoint = new Map();
    resolved.set(container, byPoint);
  }
  const hit = byPoint.get(point);
  if (hit) return hit;
  const token = implementationToken(point);
  if (!container.isBound(token)) {
    throw new ChassisError(
      'CHASSIS_E_EXT_NO_PROVIDER',
      `${handle.id}@${handle.version} does not provide the extension point ${point}; list it under provides: in its driver.yaml or bind the resource to a driver that does`,
      { details: { driver: handle.id, version: handle.version, point } },
    );
  }
  const impl = container.get(token);
  byPoint.set(point, impl);
  return impl;
}
