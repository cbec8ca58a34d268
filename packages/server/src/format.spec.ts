import type { LifecycleEvent } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatConfiguration, formatTransition, formatViolation } from './format.js';

const at = '2025-01-01T00:00:00.000Z';

describe('format', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [20 * 2 ** 30, '20 GiB'],
    [1.5 * 2 ** 40, '1.5 TiB'],
    [2 ** 60, '1024 PiB'],
  ])('formatBytes(%d) = %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it('prints a transition with its category, and the cause of a failure', () => {
    const ok: LifecycleEvent = {
      driver: 'com.example.nvp',
      version: '1.0.0',
      from: 'Starting',
      to: 'Running',
      at,
    };
    expect(formatTransition(ok, 'network')).toMatch(
      /^ {2}lifecycle {2}network {4}com\.example\.nvp@1\.0\.0 +Starting → Running$/,
    );
    const failed: LifecycleEvent = {
      ...ok,
      to: 'Failed',
      cause: { name: 'ChassisError', code: 'CHASSIS_E_X', message: 'boom', details: {} },
    };
    expect(formatTransition(failed)).toMatch(/Starting → Failed {2}\(CHASSIS_E_X: boom\)$/);
  });

  it('prints configurations and violations', () => {
    expect(formatConfiguration({ a: 'x', b: 443, c: true })).toBe('a=x b=443 c=true');
    expect(
      formatViolation({
        key: 'mPort',
        rule: 'type',
        label: 'Management port',
        message: 'must be a number',
      }),
    ).toBe('    ✗ Management port (mPort) type: must be a number');
    expect(
      formatViolation({ key: '', rule: 'type', label: '', message: 'not an object' }),
    ).toContain('(configuration)');
  });
});
