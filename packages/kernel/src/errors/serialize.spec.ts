import { describe, expect, it } from 'vitest';
import { ChassisError, MAX_CAUSE_DEPTH, serializeError, toPlain } from './chassis-error.js';

describe('serializeError', () => {
  it('keeps a ChassisError code and details', () => {
    const e = new ChassisError('CHASSIS_E_RESOURCE_NOT_FOUND', 'gone', { details: { id: 'r' } });
    expect(serializeError(e)).toMatchObject({
      code: 'CHASSIS_E_RESOURCE_NOT_FOUND',
      message: 'gone',
      details: { id: 'r' },
    });
  });

  it.each([
    [
      new ChassisError('CHASSIS_E_LOADER_NO_METHOD', 'no', { details: { point: 'p' } }),
      'CHASSIS_E_LOADER_NO_METHOD',
      { point: 'p' },
    ],
    [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED', {}],
    [new TypeError('bad'), 'CHASSIS_E_UNKNOWN', {}],
  ])('%s → %s', (err, code, details) => {
    const s = serializeError(err);
    expect(s.code).toBe(code);
    expect(s.details).toEqual(details);
    expect(ChassisError.fromJSON(s).code).toBe(code);
  });

  it('plain-record details of a foreign error are kept as plain data', () => {
    const e = Object.assign(new Error('x'), { code: 'E_VENDOR', details: { n: 1n } });
    expect(serializeError(e).details).toEqual({ n: '1' });
  });

  it(`cuts a cause chain at ${MAX_CAUSE_DEPTH} (a cycle too), also through toJSON`, () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = a;
    let depth = 0;
    for (let c = serializeError(a).cause; c; c = c.cause) depth++;
    expect(depth).toBe(MAX_CAUSE_DEPTH);
    const typed = new ChassisError('CHASSIS_E_INTERNAL', 'loop', { cause: a });
    expect(JSON.stringify(typed)).toContain('"code":"CHASSIS_E_INTERNAL"');
  });

  it('keeps causes and serialises non-errors', () => {
    const s = serializeError(new Error('outer', { cause: new Error('inner') }));
    expect(s.cause?.message).toBe('inner');
    expect(serializeError('text')).toMatchObject({
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
