import { ChassisError } from '@chassis/kernel';
import type { RolloutPolicy } from '../api/runtime-api.js';

/** One batch of a rollout: these resources move together, then (maybe) a health check. */
export interface RolloutStep {
  readonly resources: readonly string[];
  /** Run the new version's health check after this batch; a failure rolls everything back. */
  readonly healthCheck: boolean;
}

/** The default policy: one resource at a time keeps every pause short. */
export const DEFAULT_ROLLOUT: RolloutPolicy = { kind: 'one-at-a-time' };

/**
 * Splits the resources to move into batches according to `policy`. Pure and deterministic:
 * resources are taken in id order. Throws `CHASSIS_E_UPGRADE_POLICY_INVALID` for a malformed
 * policy (it may come from an API request).
 */
export function planRollout(resourceIds: readonly string[], policy: RolloutPolicy): RolloutStep[] {
  const ids = [...resourceIds].sort();
  switch (policy?.kind) {
    case 'all-at-once':
      return [{ resources: ids, healthCheck: true }];
    case 'one-at-a-time':
      return ids.length === 0
        ? [{ resources: [], healthCheck: true }]
        : ids.map((id) => ({ resources: [id], healthCheck: true }));
    case 'canary': {
      const n = policy.canaries;
      if (!Number.isInteger(n) || n < 1) {
        throw new ChassisError(
          'CHASSIS_E_UPGRADE_POLICY_INVALID',
          `Canary rollout needs "canaries" to be a whole number ≥ 1, got ${JSON.stringify(n)}`,
          {
            details: { policy },
          },
        );
      }
      const steps: RolloutStep[] = [{ resources: ids.slice(0, n), healthCheck: true }];
      if (ids.length > n) steps.push({ resources: ids.slice(n), healthCheck: true });
      return steps;
    }
    default:
      throw new ChassisError(
        'CHASSIS_E_UPGRADE_POLICY_INVALID',
        `Unknown rollout policy ${JSON.stringify(policy)}: use {kind:'all-at-once'}, {kind:'one-at-a-time'} or {kind:'canary', canaries:N}`,
        { details: { policy } },
      );
  }
}
