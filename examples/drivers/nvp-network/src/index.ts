import type { DriverDefinition, OperationContext } from '@chassis/kernel';
import type { NetworkDeviceDriver } from '@chassis/network';
import { SimController, servicesOf } from './controller.js';
import type { NvpProperties } from './properties.js';

type Ctx = OperationContext<NvpProperties>;

/** One simulated controller cluster per device resource, for as long as this version runs. */
const controllers = new Map<string, SimController>();

function controller(ctx: Ctx): SimController {
  let c = controllers.get(ctx.resource.id);
  if (!c) {
    c = new SimController(ctx.properties);
    controllers.set(ctx.resource.id, c);
    ctx.logger.info(
      { hostname: ctx.properties.hostname, transportZone: ctx.properties.transportZoneUuid },
      'connected to NVP controller',
    );
  }
  c.properties = ctx.properties;
  return c;
}

const network = {
  provider(ctx) {
    return { name: 'NiciraNvp', services: servicesOf(ctx.properties) };
  },

  capabilities(ctx) {
    const p = ctx.properties;
    return {
      connectivity: {
        transportZone: p.transportZoneUuid,
        l2Gateway: p.l2GatewayServiceUuid ?? 'none',
        isolation: 'stt',
      },
      ...(p.l3GatewayServiceUuid
        ? {
            sourceNat: { supportedSourceNatTypes: 'peraccount', l3Gateway: p.l3GatewayServiceUuid },
            staticNat: {},
            portForwarding: {},
          }
        : {}),
    };
  },

  verifyServices(ctx, services) {
    const unsupported = controller(ctx).unsupported(services);
    return { supported: unsupported.length === 0, unsupported };
  },

  implement(ctx, spec) {
    const net = controller(ctx).implement(spec, ctx.t);
    ctx.logger.info({ network: spec.id, broadcastUri: net.broadcastUri }, 'logical switch ready');
    return net;
  },

  prepareNic(ctx, networkId, nic) {
    return controller(ctx).prepareNic(networkId, nic, ctx.t);
  },

  releaseNic(ctx, networkId, nicId) {
    controller(ctx).releaseNic(networkId, nicId, ctx.t);
  },

  applyIps(ctx, networkId, ips) {
    return controller(ctx).applyIps(networkId, ips, ctx.t);
  },

  shutdown(ctx, networkId, cleanup) {
    return controller(ctx).shutdown(networkId, cleanup);
  },

  destroy(ctx, networkId) {
    return controller(ctx).destroy(networkId);
  },
} satisfies NetworkDeviceDriver<NvpProperties>;

/** The CAR's entry: an NVP-like network controller, simulated in memory. */
export default {
  start(ctx) {
    ctx.logger.info({ driver: ctx.driver.id }, 'NVP driver started');
  },
  stop() {
    controllers.clear();
  },
  health() {
    return { healthy: true, detail: `${controllers.size} controller(s) connected` };
  },
  provides: { 'network.device': network },
} satisfies DriverDefinition;
