import { ChassisError } from '@chassis/kernel';
import type { Forwarder } from '../types.js';
import { ChannelClient } from './channel-client.js';
import { createForwardHandle } from './forward-handle.js';
import { DEFAULT_PING_INTERVAL_MS } from './heartbeat.js';
import { DEFAULT_MAX_BODY_BYTES } from './protocol.js';
import { checkSecret } from './secret.js';
import { isChannelMemberId } from './signing.js';

/** Options of {@link createForwarder}. */
export interface ForwarderOptions {
  /** The shared cluster secret (at least 32 bytes); signs every request. Never logged. */
  readonly secret: string;
  /** This member's id, sent (signed) with every request. */
  readonly memberId: string;
  /** Cap of a request and of an answer body (default 4 MiB); keep it equal on every member. */
  readonly maxBodyBytes?: number;
  /**
   * Leave the configuration bag out of forwarded calls (default false): secret properties never
   * cross the channel, and the owner runs with its own configuration. Every owner's channel
   * server must then be started with `configurations` (cluster members are).
   */
  readonly omitProperties?: boolean;
  /**
   * How often each connection to an owner is pinged (default 10 s); an owner that misses a
   * ping is let go: its waiting calls fail as ambiguous and the next call reconnects.
   */
  readonly pingIntervalMs?: number;
}

/**
 * Creates the {@link Forwarder} of a member: `handleFor` makes the handle a non-owner binds a
 * resource to (see `createForwardHandle`); every handle shares one WebSocket connection per
 * owner, which carries all the calls to it at once. `close()` ends in-flight requests
 * (their callers get an ambiguous `CHASSIS_E_CLUSTER_FORWARD_FAILED`) and the sockets.
 * Throws `CHASSIS_E_CONFIG_INVALID` for a secret shorter than 32 bytes or an unusable member id.
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  checkSecret(options.secret);
  // The id travels in a frame's header line, and the owner refuses one it could not carry.
  if (!isChannelMemberId(options.memberId))
    throw new ChassisError(
      'CHASSIS_E_CONFIG_INVALID',
      `the forwarder's memberId ${JSON.stringify(options.memberId.slice(0, 50))} must be 1–200 printable ASCII characters without spaces; use the member's configured cluster.memberId`,
      { details: { field: 'memberId' } },
    );
  const client = new ChannelClient({
    secret: options.secret,
    memberId: options.memberId,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
  });
  return {
    handleFor: (resourceId, binding, owner) =>
      createForwardHandle(client, resourceId, binding, owner, options.omitProperties === true),
    close: () => client.close(),
  };
}
