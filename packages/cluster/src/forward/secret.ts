import { ChassisError } from '@chassis/kernel';
import { MIN_SECRET_BYTES } from './signing.js';

/**
 * Refuses a cluster secret too short to sign with (`CHASSIS_E_CONFIG_INVALID`). The message
 * names the setting and the length, never the secret itself.
 */
export function checkSecret(secret: unknown): asserts secret is string {
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret) : 0;
  if (bytes < MIN_SECRET_BYTES)
    throw new ChassisError(
      'CHASSIS_E_CONFIG_INVALID',
      `cluster.secret must be a string of at least ${MIN_SECRET_BYTES} bytes (got ${typeof secret === 'string' ? `${bytes} bytes` : typeof secret}); generate one with \`openssl rand -base64 48\` and give every member the same value`,
      { details: { field: 'cluster.secret', minBytes: MIN_SECRET_BYTES, bytes } },
    );
}
