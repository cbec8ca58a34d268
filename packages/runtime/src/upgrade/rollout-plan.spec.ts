import { describe, expect, it } from 'vitest';
import type { RolloutPolicy } from '../api/runtime-api.js';
import { planRollout } from './rollout-plan.js';

describe('planRollout', () => {
  const ids = ['r3', 'r1', 'r2', 'r4'];
  it.each<[string, RolloutPolicy, string[][]]>([
    ['all at once', { kind: 'all-at-once' }, [['r1', 'r2', 'r3', 'r4']]],
    ['one at a time', { kind: 'one-at-a-time' }, [['r1'], ['r2'], ['r3'], ['r4']]],
    ['canary 1', { kind: 'canary', canaries: 1 }, [['r1'], ['r2', 'r3', 'r4']]],
    ['canary larger than the fleet', { kind: 'canary', canaries: 9 }, [['r1', 'r2', 'r3', 'r4']]],
  ])('%s', (_name, policy, batches) => {
    const steps = planRollout(ids, policy);
    expect(steps.map((s) => s.resources)).toEqual(batches);
    expect(steps.every((s) => s.healthCheck)).toBe(true);
  });

  it('still health-checks when no resource is bound', () => {
    expect(planRollout([], { kind: 'one-at-a-time' })).toEqual([
      { resources: [], healthCheck: true },
    ]);
  });

  it.each([
    [{ kind: 'canary', canaries: 0 }],
    [{ kind: 'canary', canaries: 1.5 }],
    [{ kind: 'blue-green' }],
    [null],
  ])('refuses %j', (policy) => {
    expect(() => planRollout(ids, policy as RolloutPolicy)).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_UPGRADE_POLICY_INVALID' }),
    );
  });
});
