import { describe, expect, it } from 'vitest';
import type { PropertyDescriptor } from '../descriptor/driver-descriptor.js';
import { ChassisError } from '../errors/chassis-error.js';
import { checkDescriptor, compilePropertiesSchema } from './schema.js';

const p = (extra: Record<string, unknown>): PropertyDescriptor =>
  ({ key: 'k', labelKey: 'l', type: 'string', ...extra }) as PropertyDescriptor;

describe('compilePropertiesSchema', () => {
  it('compiles every type, required, maxLength, default and secret', () => {
    const schema = compilePropertiesSchema([
      { key: 'host', labelKey: 'h', type: 'string', required: true, maxLength: 255 },
      { key: 'port', labelKey: 'p', type: 'number', default: 443 },
      { key: 'tls', labelKey: 't', type: 'boolean' },
      { key: 'since', labelKey: 's', type: 'date', default: '2024-01-01' },
      { key: 'pw', labelKey: 'w', type: 'string', secret: true },
    ]);
    expect(schema).toEqual({
      type: 'object',
      properties: {
        host: { type: 'string', minLength: 1, maxLength: 255 },
        port: { type: 'number', default: 443 },
        tls: { type: 'boolean' },
        since: { type: 'string', format: 'iso-8601', default: '2024-01-01' },
        pw: { type: 'string', writeOnly: true },
      },
      required: ['host'],
      additionalProperties: false,
    });
  });

  it('compiles an empty descriptor to a schema that accepts only {}', () => {
    expect(compilePropertiesSchema([])).toEqual({
      type: 'object',
      properties: {},
      required: [],
      additionalProperties: false,
    });
  });
});

describe('checkDescriptor', () => {
  it.each([
    ['a bad key', [p({ key: '1x' })]],
    ['a reserved key', [p({ key: '__proto__' })]],
    ['a duplicate key', [p({}), p({})]],
    ['a missing labelKey', [p({ labelKey: '' })]],
    ['an unknown type', [p({ type: 'integer' })]],
    ['maxLength on a number', [p({ type: 'number', maxLength: 3 })]],
    ['a zero maxLength', [p({ maxLength: 0 })]],
    ['a fractional maxLength', [p({ maxLength: 1.5 })]],
    ['a default of the wrong type', [p({ type: 'number', default: '443' })]],
    ['a non-finite default', [p({ type: 'number', default: Number.NaN })]],
    ['a default longer than maxLength', [p({ maxLength: 2, default: 'abc' })]],
    ['a default that is not a date', [p({ type: 'date', default: 'tomorrow' })]],
    ['a boolean default for a string', [p({ default: true })]],
    ['a null entry', [null]],
  ])('refuses %s', (_name, descriptor) => {
    expect(() => checkDescriptor(descriptor as PropertyDescriptor[], 'com.example.x')).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_PROPS_DESCRIPTOR_INVALID' }),
    );
  });

  it('lists every problem at once and names the driver', () => {
    try {
      checkDescriptor([p({ type: 'integer' }), p({ key: 'b', labelKey: '' })], 'com.example.x');
      expect.unreachable();
    } catch (err) {
      expect(ChassisError.is(err, 'CHASSIS_E_PROPS_DESCRIPTOR_INVALID')).toBe(true);
      expect((err as ChassisError).details).toMatchObject({ driver: 'com.example.x' });
      expect((err as ChassisError).details.problems).toHaveLength(2);
    }
  });

  it('accepts a valid descriptor', () => {
    expect(() =>
      checkDescriptor([p({ maxLength: 3, default: 'abc', secret: true, required: true })]),
    ).not.toThrow();
  });
});
