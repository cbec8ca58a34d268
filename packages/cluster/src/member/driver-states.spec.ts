import type { MemberDriverState } from '@chassis/kernel';
import { MEMBER_DRIVER_LIMITS } from '@chassis/kernel/summaries';
import { describe, expect, it } from 'vitest';
import { memberDriverStates, publishedDriverStates } from './driver-states.js';

const version = (v: string, extra: object = {}) => ({
  version: v,
  state: 'Running' as const,
  active: false,
  tier: 'worker' as const,
  ...extra,
});

describe('memberDriverStates', () => {
  it('lists every version sorted, with the failure of a Failed one', () => {
    const out = memberDriverStates([
      { id: 'z.drv', versions: [version('1.0.0', { active: true })] },
      {
        id: 'a.drv',
        versions: [
          version('2.0.0', {
            state: 'Failed',
            failure: { code: 'CHASSIS_E_X', message: 'boom', details: {} },
          }),
          version('1.0.0'),
        ],
      },
    ]);
    expect(out).toEqual([
      { id: 'a.drv', version: '1.0.0', state: 'Running', active: false, tier: 'worker' },
      {
        id: 'a.drv',
        version: '2.0.0',
        state: 'Failed',
        active: false,
        tier: 'worker',
        failure: { code: 'CHASSIS_E_X', message: 'boom' },
      },
      { id: 'z.drv', version: '1.0.0', state: 'Running', active: true, tier: 'worker' },
    ]);
  });

  it('an Unloaded version says why it last failed (a refused load); a Running one does not', () => {
    const cause = {
      name: 'ChassisError',
      code: 'CHASSIS_E_CERT_UNTRUSTED',
      message: 'no',
      details: {},
    };
    const out = memberDriverStates(
      [{ id: 'a', versions: [version('1.0.0', { state: 'Unloaded' }), version('1.1.0')] }],
      () => cause,
    );
    expect(out.map((s) => s.failure)).toEqual([
      { code: 'CHASSIS_E_CERT_UNTRUSTED', message: 'no' },
      undefined,
    ]);
  });

  it('is bounded: version count and message length', () => {
    const many = Array.from({ length: MEMBER_DRIVER_LIMITS.maxVersions + 50 }, (_, i) =>
      version(`1.0.${String(i).padStart(4, '0')}`, {
        state: 'Failed',
        failure: { code: 'C', message: 'x'.repeat(10_000), details: {} },
      }),
    );
    const out = memberDriverStates([{ id: 'a', versions: many }]);
    expect(out).toHaveLength(MEMBER_DRIVER_LIMITS.maxVersions);
    expect(out[0]?.failure?.message.length).toBe(MEMBER_DRIVER_LIMITS.maxMessageChars);
    expect(out[0]?.failure?.message.endsWith('…')).toBe(true);
  });
});

describe('publishedDriverStates', () => {
  const good: MemberDriverState = {
    id: 'a',
    version: '1.0.0',
    state: 'Running',
    active: true,
    tier: 'process',
  };
  it.each([
    ['no drivers key: publishes none', {}, undefined],
    ['not a list', { drivers: 'x' }, undefined],
    ['an empty list', { drivers: [] }, []],
    ['a good entry', { drivers: [good] }, [good]],
    ['an unknown state is dropped', { drivers: [{ ...good, state: 'Dancing' }, good] }, [good]],
    ['an unknown tier is dropped', { drivers: [{ ...good, tier: 'vm' }] }, []],
    ['a missing version is dropped', { drivers: [{ ...good, version: 1 }, null, 3] }, []],
    ['a malformed failure is left out', { drivers: [{ ...good, failure: { code: 1 } }] }, [good]],
  ])('%s', (_what, meta, want) => {
    expect(publishedDriverStates(meta)).toEqual(want);
  });
});
