import { describe, expect, it } from 'vitest';
import { ChassisError } from '../errors/chassis-error.js';
import { rejectionCode, thrownCode } from './error-code.js';

const chassis = () => new ChassisError('CHASSIS_E_ORDER_CYCLE', 'a cycle');

describe('thrownCode', () => {
  it('answers the code of a thrown ChassisError, undefined when nothing is thrown', () => {
    expect(
      thrownCode(() => {
        throw chassis();
      }),
    ).toBe('CHASSIS_E_ORDER_CYCLE');
    expect(thrownCode(() => 1)).toBeUndefined();
  });

  it('rethrows anything else', () => {
    const plain = new Error('plain');
    expect(() =>
      thrownCode(() => {
        throw plain;
      }),
    ).toThrow(plain);
  });
});

describe('rejectionCode', () => {
  it('answers the code of a ChassisError rejection, undefined on fulfilment', async () => {
    expect(await rejectionCode(Promise.reject(chassis()))).toBe('CHASSIS_E_ORDER_CYCLE');
    expect(await rejectionCode(Promise.resolve(1))).toBeUndefined();
  });

  it('rethrows anything else', async () => {
    await expect(rejectionCode(Promise.reject(new TypeError('x')))).rejects.toThrow(TypeError);
  });
});
