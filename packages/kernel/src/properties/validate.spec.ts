import { describe, expect, it } from 'vitest';
import type { PropertyDescriptor } from '../descriptor/driver-descriptor.js';
import { ChassisError } from '../errors/chassis-error.js';
import {
  MAX_COMPILED_DESCRIPTORS,
  type PropertyViolation,
  validateProperties,
} from './validate.js';

const descriptor: readonly PropertyDescriptor[] = [
  { key: 'mVip', labelKey: 'sf.mvip', type: 'string', required: true, maxLength: 15 },
  { key: 'mPort', labelKey: 'sf.mport', type: 'number', default: 443 },
  { key: 'password', labelKey: 'sf.password', type: 'string', required: true, secret: true },
  { key: 'thin', labelKey: 'sf.thin', type: 'boolean', default: true },
  { key: 'since', labelKey: 'sf.since', type: 'date' },
  { key: 'note', labelKey: 'sf.note', type: 'string', maxLength: 3 },
];
const messages = {
  en: { 'sf.mvip': 'Management VIP', 'sf.mport': 'Management port', 'sf.password': 'Password' },
  fr: { 'sf.mvip': 'VIP de gestion' },
};
const valid = { mVip: '10.0.0.1', password: 's3cret' };

function violationsOf(input: unknown, options = {}): PropertyViolation[] {
  try {
    validateProperties(descriptor, input, options);
  } catch (err) {
    expect(ChassisError.is(err, 'CHASSIS_E_PROPS_INVALID')).toBe(true);
    return (err as ChassisError).details.violations as PropertyViolation[];
  }
  throw new Error('expected CHASSIS_E_PROPS_INVALID');
}

describe('validateProperties', () => {
  it('fills defaults, freezes the bag and drops absent values', () => {
    const bag = validateProperties(descriptor, { ...valid, note: null, since: undefined });
    expect(bag).toEqual({ mVip: '10.0.0.1', mPort: 443, password: 's3cret', thin: true });
    expect(Object.isFrozen(bag)).toBe(true);
  });

  it('keeps given values over defaults', () => {
    const bag = validateProperties(descriptor, { ...valid, mPort: 8443, thin: false });
    expect(bag.mPort).toBe(8443);
    expect(bag.thin).toBe(false);
  });

  it.each([
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T12:30:00Z', '2024-05-01T12:30:00.000Z'],
    ['2024-05-01T12:30:00.25+02:00', '2024-05-01T10:30:00.250Z'],
    ['2024-05-01T12:30-0130', '2024-05-01T14:00:00.000Z'],
    ['2024-02-29T23:59:59', '2024-02-29T23:59:59.000Z'],
  ])('date %s yields a Date at %s', (text, iso) => {
    const bag = validateProperties(descriptor, { ...valid, since: text });
    expect(bag.since).toBeInstanceOf(Date);
    expect((bag.since as Date).toISOString()).toBe(iso);
  });

  it('accepts a Date object for a date property', () => {
    const at = new Date('2024-01-02T03:04:05Z');
    const bag = validateProperties(descriptor, { ...valid, since: at });
    expect((bag.since as Date).getTime()).toBe(at.getTime());
  });

  it.each([
    ['since', '2023-02-29', 'format'],
    ['since', '2024-13-01', 'format'],
    ['since', '01/05/2024', 'format'],
    ['since', '2024-05-01T25:00:00Z', 'format'],
    ['since', new Date(Number.NaN), 'format'],
    ['since', 1714521600000, 'type'],
    ['mPort', Number.NaN, 'type'],
    ['mPort', Number.POSITIVE_INFINITY, 'type'],
    ['mPort', '443', 'type'],
    ['thin', 'true', 'type'],
    ['mVip', 12, 'type'],
    ['mVip', '', 'required'],
    ['mVip', '0123456789abcdef', 'maxLength'],
    ['note', '😀😀😀😀', 'maxLength'],
  ] as const)('refuses %s = %s with rule %s', (key, value, rule) => {
    const violations = violationsOf({ ...valid, [key]: value });
    expect(violations.map((v) => [v.key, v.rule])).toEqual([[key, rule]]);
  });

  it('counts characters (code points), not bytes or UTF-16 units', () => {
    // four bytes and two UTF-16 units each, but one character
    const bag = validateProperties(descriptor, { ...valid, note: '😀é😀' });
    expect(bag.note).toBe('😀é😀');
  });

  it('reports every violation at once, in descriptor order, with labels', () => {
    const violations = violationsOf(
      { mPort: 'x', extra: 1, since: 'soon', note: 'long!' },
      {
        messages,
      },
    );
    expect(violations.map((v) => [v.key, v.rule, v.label])).toEqual([
      ['mVip', 'required', 'Management VIP'],
      ['mPort', 'type', 'Management port'],
      ['password', 'required', 'Password'],
      ['since', 'format', 'since'],
      ['note', 'maxLength', 'note'],
      ['extra', 'unknown', 'extra'],
    ]);
    for (const v of violations) expect(v.message).toContain(v.key);
  });

  it('resolves labels in the requested locale, then en, then the key', () => {
    const violations = violationsOf({}, { messages, locale: 'fr-CA' });
    expect(violations.map((v) => v.label)).toEqual(['VIP de gestion', 'Password']);
  });

  it('names the driver in message and details', () => {
    try {
      validateProperties(descriptor, { ...valid, bogus: 1 }, { driver: 'com.example.sf' });
      expect.unreachable();
    } catch (err) {
      expect((err as ChassisError).details.driver).toBe('com.example.sf');
      expect((err as ChassisError).message).toContain('com.example.sf');
    }
  });

  it('never echoes a secret value', () => {
    const secret = 'hunter2-but-far-too-long-for-anything';
    const withLimit: PropertyDescriptor[] = [
      { key: 'pw', labelKey: 'pw', type: 'string', secret: true, maxLength: 4 },
      { key: 'pin', labelKey: 'pin', type: 'string', secret: true },
    ];
    try {
      validateProperties(withLimit, { pw: secret, pin: 1234 });
      expect.unreachable();
    } catch (err) {
      const text = JSON.stringify((err as ChassisError).toJSON());
      expect(text).not.toContain(secret);
      expect(text).not.toContain('1234');
    }
  });

  it.each([
    [{ mPort: '8443' }, { mPort: 8443 }],
    [{ mPort: ' 1e3 ' }, { mPort: 1000 }],
    [{ thin: 'false' }, { thin: false }],
  ])('coerces form input %j when asked', (input, expected) => {
    const bag = validateProperties(descriptor, { ...valid, ...input }, { coerce: true });
    expect(bag).toMatchObject(expected);
  });

  it.each([['8443abc'], [''], ['NaN'], ['Infinity']])('does not coerce %j to a number', (text) => {
    const violations = violationsOf({ ...valid, mPort: text }, { coerce: true });
    expect(violations.map((v) => v.rule)).toEqual(['type']);
  });

  it.each([[null], [[]], ['x'], [42], [new Date()]])('refuses a non-object bag %j', (input) => {
    expect(violationsOf(input).map((v) => v.rule)).toEqual(['type']);
  });

  it('refuses an own __proto__ key as unknown instead of polluting the bag', () => {
    const input = JSON.parse('{"mVip":"a","password":"b","__proto__":{"polluted":true}}');
    expect(violationsOf(input).map((v) => [v.key, v.rule])).toEqual([['__proto__', 'unknown']]);
  });

  it('refuses a malformed descriptor', () => {
    const bad = [{ key: 'a', labelKey: 'a', type: 'integer' }] as unknown as PropertyDescriptor[];
    expect(() => validateProperties(bad, {})).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_PROPS_DESCRIPTOR_INVALID' }),
    );
  });
});

describe('validateProperties compilation cache', () => {
  it('keeps validating correctly past the cache bound (eviction does not break live validators)', () => {
    const first: PropertyDescriptor[] = [{ key: 'k0', labelKey: 'l', type: 'number' }];
    expect(validateProperties(first, { k0: 1 })).toEqual({ k0: 1 });
    for (let i = 1; i <= MAX_COMPILED_DESCRIPTORS + 5; i++) {
      const d: PropertyDescriptor[] = [{ key: `k${i}`, labelKey: 'l', type: 'number' }];
      expect(validateProperties(d, { [`k${i}`]: i })).toEqual({ [`k${i}`]: i });
    }
    // the first descriptor's compiled form was evicted by content but is still valid by identity,
    // and an equal copy compiles again
    expect(validateProperties(first, { k0: 2 })).toEqual({ k0: 2 });
    expect(() => validateProperties([...first], { k0: 'x' })).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_PROPS_INVALID' }),
    );
  });
});
