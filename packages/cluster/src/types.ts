import type { ClusterMemberInfo, DriverHandle, ResourceBinding } from '@chassis/kernel';
import type { ManagementServerOptions } from '@chassis/runtime';
import type { PostgresOptions } from '@chassis/state-postgres';

/**
 * The seams between the parts of cluster mode, fixed first so that the member composition,
 * the forwarding channel and the rollout coordinator can be built and tested apart.
 */

/** How a member is reached by the others: its inter-server channel (see `forward/`). */
export interface MemberAddress {
  readonly memberId: string;
  /** Base URL of the member's inter-server channel, e.g. `http://127.0.0.1:7401`. */
  readonly url: string;
}

/**
 * One member as the admin API, the UI and the CLI show it: the kernel's `ClusterMemberInfo`
 * summary (one definition), with health, heartbeat, resources owned, leader and driver states.
 */
export type MemberView = ClusterMemberInfo;

/** What a non-owner does with a facade call on a resource another member owns. */
export type ForwardMode = 'forward' | 'refuse';

/**
 * Makes the handle a non-owner binds a resource to: every `invoke` goes to the owner's channel
 * with the caller's deadline, and the owner runs it in its own compartment (so per-resource
 * order and the upgrade pause hold cluster-wide). Lifecycle calls (`start`/`stop`/`migrate`)
 * are refused: only the owner runs a driver for its resources.
 */
export interface Forwarder {
  handleFor(resourceId: string, binding: ResourceBinding, owner: MemberAddress): DriverHandle;
  close(): Promise<void>;
}

/** Options of a cluster member (the `cluster:` block of the server configuration). */
export interface ClusterOptions {
  /** This member's id; default the host name plus the channel port. */
  readonly memberId?: string;
  /** The shared database: a URL, or the standard `PG*` variables when absent. */
  readonly database: PostgresOptions;
  /** A member that misses heartbeats for this long is down; its leases expire (default 10 s). */
  readonly leaseTtlMs?: number;
  /** Shared secret that signs inter-server requests (at least 32 bytes). */
  readonly secret: string;
  /** Where the inter-server channel listens (default 127.0.0.1, port 0). */
  readonly channel?: { readonly host?: string; readonly port?: number };
  /** Forward calls on resources owned elsewhere (default), or refuse them with `CLUSTER_NOT_OWNER`. */
  readonly forward?: ForwardMode;
  /** How long a call waits for a resource with no live owner before `CLUSTER_OWNER_UNAVAILABLE`. */
  readonly ownerWaitMs?: number;
}

/** A management server's options, as a cluster member composes them. */
export type MemberServerOptions = Omit<ManagementServerOptions, 'store'>;
