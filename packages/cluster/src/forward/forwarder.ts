import type { Forwarder } from '../types.js';
import { createForwardHandle } from './forward-handle.js';
import { ChannelClient } from './http-client.js';
import { DEFAULT_MAX_BODY_BYTES } from './protocol.js';
import { checkSecret } from './secret.js';

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
  /** Keep-alive connections per owner at most (default 64). */
  readonly connectionsPerOwner?: number;
}

/**
 * Creates the {@link Forwarder} of a member: `handleFor` makes the handle a non-owner binds a
 * resource to (see `createForwardHandle`); every handle shares one keep-alive undici agent, so
 * consecutive calls to one owner reuse a warm connection. `close()` ends in-flight requests
 * (their callers get an ambiguous `CHASSIS_E_CLUSTER_FORWARD_FAILED`) and the sockets.
 * Throws `CHASSIS_E_CONFIG_INVALID` for a secret shorter than 32 bytes.
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  checkSecret(options.secret);
  const client = new ChannelClient({
    secret: options.secret,
    memberId: options.memberId,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    ...(options.connectionsPerOwner === undefined
      ? {}
      : { connectionsPerOwner: options.connectionsPerOwner }),
  });
  return {
    handleFor: (resourceId, binding, owner) =>
      createForwardHandle(client, resourceId, binding, owner, options.omitProperties === true),
    close: () => client.close(),
  };
}
