import type { ConfigurationLookup, DriverHandle, Logger, ResourceRegistry } from '@chassis/kernel';
import { startChannelServer } from '../forward/channel-server.js';
import { createForwarder } from '../forward/forwarder.js';
import type { ClusterOptions, Forwarder } from '../types.js';

/** What a member's inter-server channel gets to run forwarded calls (see `forward/`). */
export interface MemberChannelContext {
  readonly memberId: string;
  /** The member's local compartments: forwarded calls run through them. */
  readonly resources: ResourceRegistry<DriverHandle>;
  readonly configurations: ConfigurationLookup;
  /** Whether this member holds the resource's lease now. */
  readonly owns: (resourceId: string) => boolean;
}

/** A started inter-server channel: its URL goes into the member's heartbeat record. */
export interface MemberChannel {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a member's inter-server channel (replaceable in tests). */
export type MemberChannelStarter = (context: MemberChannelContext) => Promise<MemberChannel>;

/**
 * The default channel of a member: the signed channel server of `forward/`, on
 * `cluster.channel` (default 127.0.0.1, port 0). It serves the calls other members forward
 * here, in this member's own compartments, whatever this member's own `forward` mode is.
 */
export function defaultChannel(cluster: ClusterOptions, logger: Logger): MemberChannelStarter {
  return async (ctx) => {
    const ch = await startChannelServer({
      ...ctx,
      secret: cluster.secret,
      logger,
      ...(cluster.channel?.host ? { host: cluster.channel.host } : {}),
      ...(cluster.channel?.port !== undefined ? { port: cluster.channel.port } : {}),
    });
    return { url: ch.address.url, close: () => ch.close() };
  };
}

/**
 * The forwarder of a member in `forward` mode (the default): signed calls over one WebSocket
 * connection per owner. Property bags stay off the wire (`omitProperties`): the owner runs the call with its
 * own configuration, so secret properties never cross the channel. `undefined` in refuse mode.
 */
export function defaultForwarder(cluster: ClusterOptions, memberId: string): Forwarder | undefined {
  if (cluster.forward === 'refuse') return undefined;
  return createForwarder({ secret: cluster.secret, memberId, omitProperties: true });
}
