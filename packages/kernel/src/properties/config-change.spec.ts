import { describe, expect, it } from 'vitest';
import type { PropertyDescriptor } from '../descriptor/driver-descriptor.js';
import { ChassisError } from '../errors/chassis-error.js';
import { applyConfigChange } from './config-change.js';
import { SECRET_MASK } from './mask.js';
import { validateProperties } from './validate.js';

const descriptor: readonly PropertyDescriptor[] = [
  { key: 'host', labelKey: 'h', type: 'string', required: true, maxLength: 10 },
  { key: 'port', labelKey: 'p', type: 'number', default: 443 },
  { key: 'pw', labelKey: 'w', type: 'string', required: true, secret: true },
];
const current = validateProperties(descriptor, { host: 'a', port: 8443, pw: 'old' });

describe('applyConfigChange', () => {
  it.each([
    ['sets a value', { host: 'b' }, { host: 'b', port: 8443, pw: 'old' }],
    ['resets to the default with null', { port: null }, { host: 'a', port: 443, pw: 'old' }],
    ['ignores undefined', { host: undefined }, { host: 'a', port: 8443, pw: 'old' }],
    ['keeps a secret sent back masked', { pw: SECRET_MASK }, { host: 'a', port: 8443, pw: 'old' }],
    ['replaces a secret', { pw: 'new' }, { host: 'a', port: 8443, pw: 'new' }],
  ])('%s', (_name, change, expected) => {
    const next = applyConfigChange(descriptor, current, change);
    expect(next).toEqual(expected);
    expect(Object.isFrozen(next)).toBe(true);
  });

  it('validates the whole result before applying and leaves the old bag in force', () => {
    const before = { ...current };
    try {
      applyConfigChange(descriptor, current, { host: 'much-too-long', port: '1', extra: true });
      expect.unreachable();
    } catch (err) {
      expect(ChassisError.is(err, 'CHASSIS_E_PROPS_INVALID')).toBe(true);
      const rules = ((err as ChassisError).details.violations as { rule: string }[]).map(
        (v) => v.rule,
      );
      expect(rules).toEqual(['maxLength', 'type', 'unknown']);
    }
    expect(current).toEqual(before);
  });

  it('refuses removing a required value', () => {
    expect(() => applyConfigChange(descriptor, current, { pw: null })).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_PROPS_INVALID' }),
    );
  });

  it('builds a first configuration from nothing, where a mask is not a value', () => {
    expect(applyConfigChange(descriptor, undefined, { host: 'x', pw: 'p' })).toEqual({
      host: 'x',
      port: 443,
      pw: 'p',
    });
    expect(() => applyConfigChange(descriptor, undefined, { host: 'x', pw: SECRET_MASK })).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_PROPS_INVALID' }),
    );
  });

  it('coerces form input when asked', () => {
    expect(applyConfigChange(descriptor, current, { port: '80' }, { coerce: true }).port).toBe(80);
  });
});
