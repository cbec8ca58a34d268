import { Container } from 'inversify';
import type { KernelConfig } from '../config/kernel-config.js';
import { ChassisError } from '../errors/chassis-error.js';
import type { Logger } from '../logger.js';
import type { Clock } from './clock.js';
import { KernelTokens } from './kernel-tokens.js';

/**
 * The services the kernel exports. `L` and `R` are the lifecycle and resource registry types;
 * they stay generic so the container does not depend on their implementations.
 */
export interface KernelServices<L = unknown, R = unknown> {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly lifecycle: L;
  readonly resources: R;
  readonly config: KernelConfig;
}

/**
 * The kernel container: exactly the exported services, bound as constants under
 * {@link KernelTokens}. Drivers never see it directly; they get
 * {@link createDriverContainer}'s view.
 */
export function createKernelContainer<L, R>(services: KernelServices<L, R>): Container {
  const entries = [
    ['logger', KernelTokens.Logger],
    ['clock', KernelTokens.Clock],
    ['lifecycle', KernelTokens.Lifecycle],
    ['resources', KernelTokens.ResourceRegistry],
    ['config', KernelTokens.Config],
  ] as const;
  const missing = entries.filter(([key]) => services[key] === undefined || services[key] === null);
  if (missing.length > 0) {
    throw new ChassisError(
      'CHASSIS_E_INTERNAL',
      `createKernelContainer() is missing ${missing.map(([key]) => key).join(', ')}; pass every kernel service`,
      { details: { missing: missing.map(([key]) => key) } },
    );
  }
  const container = new Container();
  for (const [key, id] of entries) container.bind(id).toConstantValue(services[key]);
  return container;
}
