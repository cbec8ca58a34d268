import type { DriverState, MemberDriverState } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { type EligibilityMember, eligibleOwners } from './eligibility.js';

const D = 'com.example.sf';
const v = (version: string, state: DriverState, id = D): MemberDriverState => ({
  id,
  version,
  state,
  active: true,
  tier: 'worker',
});
const m = (id: string, ...drivers: MemberDriverState[]): EligibilityMember => ({ id, drivers });

describe('eligibleOwners', () => {
  const cases: {
    name: string;
    binding?: { driverId: string; version: string };
    members: EligibilityMember[];
    want: string[];
    fallback: boolean;
  }[] = [
    {
      name: 'every member runs the bound version',
      binding: { driverId: D, version: '1.0.0' },
      members: [m('a', v('1.0.0', 'Running')), m('b', v('1.0.0', 'Running'))],
      want: ['a', 'b'],
      fallback: false,
    },
    {
      name: 'a member whose version Failed is not eligible',
      binding: { driverId: D, version: '1.0.0' },
      members: [m('a', v('1.0.0', 'Failed')), m('b', v('1.0.0', 'Running'))],
      want: ['b'],
      fallback: false,
    },
    {
      name: 'Suspended (paused during a swap) still serves',
      binding: { driverId: D, version: '1.0.0' },
      members: [m('a', v('1.0.0', 'Suspended')), m('b', v('1.0.0', 'Starting'))],
      want: ['a'],
      fallback: false,
    },
    {
      name: 'another version running does not make the bound one served',
      binding: { driverId: D, version: '1.0.0' },
      members: [m('a', v('2.0.0', 'Running')), m('b', v('1.0.0', 'Running'))],
      want: ['b'],
      fallback: false,
    },
    {
      name: 'another driver running does not count',
      binding: { driverId: D, version: '1.0.0' },
      members: [m('a', v('1.0.0', 'Running', 'org.other')), m('b', v('1.0.0', 'Running'))],
      want: ['b'],
      fallback: false,
    },
    {
      name: 'a member that published nothing yet (converging) is not eligible',
      binding: { driverId: D, version: '1.0.0' },
      members: [m('a'), m('b', v('1.0.0', 'Running'))],
      want: ['b'],
      fallback: false,
    },
    {
      name: 'a member that publishes no states at all (none known) counts as serving',
      binding: { driverId: D, version: '1.0.0' },
      members: [{ id: 'a', drivers: undefined }, m('b', v('1.0.0', 'Failed'))],
      want: ['a'],
      fallback: false,
    },
    {
      name: 'nobody runs it: every member, marked fallback',
      binding: { driverId: D, version: '1.0.0' },
      members: [m('a', v('1.0.0', 'Failed')), m('b'), m('c', v('1.0.0', 'Stopped'))],
      want: ['a', 'b', 'c'],
      fallback: true,
    },
    {
      name: 'no binding known: every member, no fallback',
      members: [m('a'), m('b', v('1.0.0', 'Running'))],
      want: ['a', 'b'],
      fallback: false,
    },
    {
      name: 'no member at all: nobody',
      binding: { driverId: D, version: '1.0.0' },
      members: [],
      want: [],
      fallback: true,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(eligibleOwners(c.binding, c.members)).toEqual({
        members: c.want,
        fallback: c.fallback,
      });
    });
});
