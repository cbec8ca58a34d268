import { describe, expect, it } from 'vitest';
import { isNonEmptyString, isPositiveInteger, requireArgument } from './arguments.js';

describe('facade argument checks', () => {
  it.each([
    ['abc', true],
    [' ', false],
    ['', false],
    [3, false],
    [undefined, false],
  ])('isNonEmptyString(%j) is %s', (value, expected) => {
    expect(isNonEmptyString(value)).toBe(expected);
  });

  it.each([
    [1, true],
    [2 ** 40, true],
    [0, false],
    [-1, false],
    [1.5, false],
    [Number.NaN, false],
    [2 ** 60, false],
    ['1', false],
  ])('isPositiveInteger(%j) is %s', (value, expected) => {
    expect(isPositiveInteger(value)).toBe(expected);
  });

  it('throws CHASSIS_E_FACADE_INVALID_ARGUMENT naming the argument', () => {
    expect(() =>
      requireArgument(true, 'spec.sizeBytes', 'a positive integer', 'createVolume'),
    ).not.toThrow();
    expect(() =>
      requireArgument(false, 'spec.sizeBytes', 'a positive integer', 'createVolume'),
    ).toThrow(
      expect.objectContaining({
        code: 'CHASSIS_E_FACADE_INVALID_ARGUMENT',
        details: {
          operation: 'createVolume',
          argument: 'spec.sizeBytes',
          expected: 'a positive integer',
        },
      }),
    );
  });
});
