import { describe, expect, it } from 'vitest';
import { ChassisError, serializeError, toChassisError } from './chassis-error.js';
import { ERROR_CODES, errorCodeSpec, isErrorCode } from './registry.js';

describe('ChassisError', () => {
  it('round-trips through JSON with code, details and cause chain', () => {
    const root = new ChassisError('CHASSIS_E_CAR_ZIP_SLIP', 'entry ../x escapes', {
      details: { entry: '../x' },
    });
    const outer = new ChassisError('CHASSIS_E_LOADER_LOAD_FAILED', 'load failed', {
      cause: root,
      details: { driver: 'a' },
    });
    const back = ChassisError.fromJSON(JSON.parse(JSON.stringify(outer)));
    expect(back.code).toBe('CHASSIS_E_LOADER_LOAD_FAILED');
    expect(back.details).toEqual({ driver: 'a' });
    expect(ChassisError.is(back.cause, 'CHASSIS_E_CAR_ZIP_SLIP')).toBe(true);
    expect((back.cause as ChassisError).details).toEqual({ entry: '../x' });
  });

  it('survives structured clone as plain data', () => {
    const err = new ChassisError('CHASSIS_E_ORDER_CYCLE', 'cycle', {
      details: { path: ['a', 'b', 'a'] },
    });
    const cloned = structuredClone(err.toJSON());
    expect(ChassisError.fromJSON(cloned).details.path).toEqual(['a', 'b', 'a']);
  });

  it('is recognised by brand, not instanceof, and filters by code', () => {
    const err = new ChassisError('CHASSIS_E_ORDER_CYCLE', 'x');
    const lookalike = Object.assign(new Error('x'), { code: 'CHASSIS_E_ORDER_CYCLE' });
    expect(ChassisError.is(err)).toBe(true);
    expect(ChassisError.is(err, 'CHASSIS_E_ORDER_MISSING_DEP')).toBe(false);
    expect(ChassisError.is(lookalike)).toBe(false);
    expect(ChassisError.is(null)).toBe(false);
  });

  it('serialises foreign errors and thrown non-errors', () => {
    const s = serializeError(new TypeError('bad', { cause: 'why' }));
    expect(s.code).toBe('CHASSIS_E_UNKNOWN');
    expect(s.name).toBe('TypeError');
    expect(s.cause?.message).toBe('why');
    expect(serializeError(42).details).toEqual({ thrown: 'number' });
    const wrapped = toChassisError(new Error('boom'), 'CHASSIS_E_LOADER_LOAD_FAILED', 'loading a');
    expect(wrapped.code).toBe('CHASSIS_E_LOADER_LOAD_FAILED');
    expect(wrapped.message).toBe('loading a: boom');
  });

  it('maps codes to statuses through the registry', () => {
    expect(new ChassisError('CHASSIS_E_AUTH_DENIED', 'no').status).toBe(403);
    expect(isErrorCode('CHASSIS_E_NOPE')).toBe(false);
    expect(errorCodeSpec('CHASSIS_E_NOPE')).toBe(ERROR_CODES.CHASSIS_E_UNKNOWN);
  });

  it('every registered code follows CHASSIS_E_<AREA>_<WHAT>', () => {
    for (const code of Object.keys(ERROR_CODES))
      expect(code).toMatch(/^CHASSIS_E_[A-Z0-9]+(_[A-Z0-9]+)*$/);
  });
});
