import { defineCodes } from './spec.js';

/**
 * Codes owned by the shared database and cluster primitives (`@chassis/state-postgres`).
 * Retryable codes carry `details.retryable: true`.
 */
export const clusterCodes = defineCodes({
  CHASSIS_E_STATE_UNAVAILABLE: {
    status: 503,
    summary: 'The shared state database cannot be reached right now; retry (retryable)',
  },
  CHASSIS_E_STATE_SCHEMA: {
    status: 500,
    summary: 'The state database schema is newer than this server or a migration failed',
  },
  CHASSIS_E_CLUSTER_FENCED: {
    status: 409,
    summary: 'A write carried a stale fencing token: another member owns the resource now',
  },
  CHASSIS_E_CLUSTER_LEASE_HELD: {
    status: 409,
    summary: 'The resource lease is held by another live member',
  },
  CHASSIS_E_CLUSTER_NOT_OWNER: {
    status: 409,
    summary:
      'The resource is owned by another member and this member is configured not to forward; call the owner named in details.owner',
  },
  CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE: {
    status: 503,
    summary:
      'The resource has no live owner right now (takeover in progress); retry after the lease TTL (retryable)',
  },
  CHASSIS_E_CLUSTER_AUTH: {
    status: 401,
    summary:
      'An inter-server request was not signed with the cluster secret, or its signature expired',
  },
  CHASSIS_E_CLUSTER_FORWARD_FAILED: {
    status: 502,
    summary:
      'A call forwarded to the owning member could not be delivered or its answer was unreadable',
  },
  CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE: {
    status: 413,
    summary:
      'A forwarded call or its answer is over the inter-server channel body cap (maxBodyBytes); send smaller arguments or raise the cap on every member',
  },
  CHASSIS_E_CLUSTER_BAD_REQUEST: {
    status: 400,
    summary:
      'A signed inter-server request is malformed (e.g. a member of another version); check that every member runs the same Chassis version',
  },
  CHASSIS_E_CLUSTER_ROLLOUT_FAILED: {
    status: 409,
    summary: 'A cluster-wide rollout failed on a member and was rolled back on every member',
  },
  CHASSIS_E_CLUSTER_NOT_LEADER: {
    status: 409,
    summary:
      'Only the cluster leader coordinates a rollout, and this member is not (or no longer) the leader; send it to the leader',
  },
  CHASSIS_E_CLUSTER_MEMBER_TIMEOUT: {
    status: 504,
    summary:
      'A member did not answer a rollout request in time (down or stuck): a step is rolled back; an upgrade sent to a non-leader that no leader took is cancelled, one still running goes on (retryable)',
  },
  CHASSIS_E_CAR_STORE_DIGEST: {
    status: 500,
    summary: 'A CAR fetched from the shared store does not match its sha256 digest',
  },
});
