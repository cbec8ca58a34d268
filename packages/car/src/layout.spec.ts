import { describe, expect, it } from 'vitest';
import { assertLayout, assertSafePath } from './layout.js';

describe('entry path checks', () => {
  it.each([
    'driver.yaml',
    'classes/index.js',
    'lib/@scope/pkg/index.js',
    'resources/ui/logo.svg',
    'META-INF/',
    'classes/dir/',
    'classes/a..b.js',
  ])('accepts %s', (name) => {
    expect(() => assertSafePath(name)).not.toThrow();
    expect(() => assertLayout(name)).not.toThrow();
  });

  it.each([
    ['../x', 'CHASSIS_E_CAR_ZIP_SLIP'],
    ['classes/../../x', 'CHASSIS_E_CAR_ZIP_SLIP'],
    ['/abs', 'CHASSIS_E_CAR_ZIP_SLIP'],
    ['c:/x', 'CHASSIS_E_CAR_ZIP_SLIP'],
    ['C:x', 'CHASSIS_E_CAR_ZIP_SLIP'],
    ['classes\\x.js', 'CHASSIS_E_CAR_ZIP_SLIP'],
    ['classes//x.js', 'CHASSIS_E_CAR_ZIP_SLIP'],
    ['./classes/x.js', 'CHASSIS_E_CAR_ZIP_SLIP'],
    ['classes/x\n.js', 'CHASSIS_E_CAR_ZIP_SLIP'],
    ['', 'CHASSIS_E_CAR_ZIP_SLIP'],
  ])('refuses unsafe path %j', (name, code) => {
    expect(() => assertSafePath(name)).toThrow(expect.objectContaining({ code }));
  });

  it.each(['evil.sh', 'node_modules/x.js', 'src/index.ts', 'classes', 'Driver.yaml'])(
    'refuses %s outside the layout',
    (name) => {
      expect(() => assertLayout(name)).toThrow(
        expect.objectContaining({ code: 'CHASSIS_E_CAR_LAYOUT' }),
      );
    },
  );
});
