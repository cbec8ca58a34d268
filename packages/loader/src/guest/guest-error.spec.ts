import { ChassisError } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { GuestError, serializeGuestError, toPlain } from './guest-error.js';

describe('serializeGuestError', () => {
  it('uses a branded error’s own toJSON (a driver’s copy of ChassisError)', () => {
    const e = new ChassisError('CHASSIS_E_RESOURCE_NOT_FOUND', 'gone', { details: { id: 'r' } });
    expect(serializeGuestError(e)).toMatchObject({
      code: 'CHASSIS_E_RESOURCE_NOT_FOUND',
      message: 'gone',
      details: { id: 'r' },
    });
  });

  it.each([
    [
      new GuestError('CHASSIS_E_LOADER_NO_METHOD', 'no', { point: 'p' }),
      'CHASSIS_E_LOADER_NO_METHOD',
      { point: 'p' },
    ],
    [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED', {}],
    [new TypeError('bad'), 'CHASSIS_E_UNKNOWN', {}],
  ])('%s → %s', (err, code, details) => {
    const s = serializeGuestError(err);
    expect(s.code).toBe(code);
    expect(s.details).toEqual(details);
    expect(ChassisError.fromJSON(s).code).toBe(code);
  });

  it('keeps causes and serialises non-errors', () => {
    const s = serializeGuestError(new Error('outer', { cause: new Error('inner') }));
    expect(s.cause?.message).toBe('inner');
    expect(serializeGuestError('text')).toMatchObject({
      code: 'CHASSIS_E_UNKNOWN',
      message: 'text',
    });
  });
});

describe('toPlain', () => {
  it('turns errors into data and drops functions', () => {
    expect(toPlain({ err: new Error('x'), fn: () => 1, n: 10n, ok: 'y' })).toMatchObject({
      err: { message: 'x', code: 'CHASSIS_E_UNKNOWN' },
      n: '10',
      ok: 'y',
    });
  });
  it('survives cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(toPlain(a)).toEqual({ unserializable: true });
  });
});
