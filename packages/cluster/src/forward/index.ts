/**
 * The authenticated inter-server channel: a non-owner's facade call runs on the resource's
 * owner, in the owner's compartment, transparently for the caller.
 */
export * from './caller-signals.js';
export * from './channel-server.js';
export * from './deadline-watch.js';
export * from './errors.js';
export * from './forward-handle.js';
export * from './forwarder.js';
export * from './frames.js';
export * from './heartbeat.js';
export * from './nonce-cache.js';
export * from './owner-call.js';
export * from './protocol.js';
export * from './secret.js';
export * from './signing.js';
