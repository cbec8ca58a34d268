import type { DriverDefinition, DriverHandle } from '../driver/driver-definition.js';
import { type ConfigurationLookup, FacadeRouter } from '../facade/router.js';
import type { MessageCatalog } from '../messages/messages.js';
import { ResourceRegistry } from '../resource/registry.js';
import type { Resource } from '../resource/resource.js';
import { inProcessHandle } from './in-process-handle.js';

/** Options of {@link routerFor}. */
export interface RouterForOptions {
  /** The resources the driver serves (their `driverId` is the driver's). */
  readonly resources: readonly Omit<Resource, 'driverId'>[];
  /** The validated property bag of each resource's configuration. */
  readonly propertiesFor: ConfigurationLookup['propertiesFor'];
  /** The driver's message catalog, for `t` (default none). */
  readonly messages?: MessageCatalog;
}

/**
 * A {@link FacadeRouter} over one driver run by {@link inProcessHandle}: every resource in
 * `options.resources` is registered in a fresh {@link ResourceRegistry} (each with its own
 * compartment) and bound to `driver`. What a facade's tests need between the facade and a
 * driver definition, without a loader.
 */
export function routerFor(
  definition: DriverDefinition,
  driver: { readonly id: string; readonly version: string },
  options: RouterForOptions,
): FacadeRouter {
  const registry = new ResourceRegistry<DriverHandle>();
  const handle = inProcessHandle(definition, driver, { messages: options.messages });
  const binding = { driverId: driver.id, version: driver.version };
  for (const resource of options.resources)
    registry.add({ ...resource, driverId: driver.id }, binding, handle);
  return new FacadeRouter(registry, { propertiesFor: options.propertiesFor });
}
