import { ChassisError, type DriverDescriptor, type IsolationTier } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { resolveTier, type TierChoice } from './tier.js';

const d = (isolation?: IsolationTier) =>
  ({ id: 'com.example.a', ...(isolation ? { isolation } : {}) }) as DriverDescriptor;

describe('resolveTier', () => {
  it.each<[IsolationTier | undefined, TierChoice, IsolationTier]>([
    [undefined, {}, 'worker'],
    ['process', {}, 'process'],
    [undefined, { defaultTier: 'in-process' }, 'in-process'],
    ['process', { defaultTier: 'in-process' }, 'process'],
    ['process', { overrides: { 'com.example.a': 'worker' } }, 'worker'],
    ['process', { overrides: { 'com.example.b': 'worker' } }, 'process'],
    ['process', { overrides: { 'com.example.a': 'worker' }, explicit: 'in-process' }, 'in-process'],
    // Untrusted: the vendor's request and the operator's default give way to the confined tier.
    ['worker', { trusted: false }, 'process'],
    ['in-process', { trusted: false, defaultTier: 'worker' }, 'process'],
    [undefined, { trusted: false, defaultTier: 'in-process' }, 'process'],
    ['in-process', { trusted: true }, 'in-process'],
    [undefined, { trusted: true, defaultTier: 'in-process' }, 'in-process'],
    // An override by id is the operator's own word for that driver.
    ['process', { trusted: false, overrides: { 'com.example.a': 'worker' } }, 'worker'],
  ])('yaml %s, %j → %s', (isolation, choice, tier) => {
    expect(resolveTier(d(isolation), choice)).toBe(tier);
  });

  it('refuses an unknown tier with CHASSIS_E_LOADER_ISOLATION_UNSUPPORTED', () => {
    try {
      resolveTier(d('vm' as IsolationTier));
      expect.unreachable();
    } catch (err) {
      expect(ChassisError.is(err, 'CHASSIS_E_LOADER_ISOLATION_UNSUPPORTED')).toBe(true);
    }
  });
});
