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
  CHASSIS_E_CAR_STORE_DIGEST: {
    status: 500,
    summary: 'A CAR fetched from the shared store does not match its sha256 digest',
  },
});
