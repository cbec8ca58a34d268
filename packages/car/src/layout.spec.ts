import { describe, expect, it } from 'vitest';
import { assertLayout, assertNoCollisions, assertSafePath } from './layout.js';

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

  it.each([
    [['classes/a.js', 'classes/a.js']],
    [['classes/A.js', 'classes/a.js']],
    [['classes/\u00e9.js', 'classes/e\u0301.js']],
    [['classes/a', 'classes/a/b.js']],
    [['classes/a/b.js', 'classes/A']],
    [['classes/x/', 'classes/x']],
  ])('refuses colliding names %j', (names) => {
    expect(() => assertNoCollisions(names)).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CAR_DUPLICATE_ENTRY' }),
    );
  });

  it('accepts directory entries next to their files (as zip -r writes them)', () => {
    expect(() =>
      assertNoCollisions(['classes/', 'classes/a.js', 'classes/sub/', 'classes/sub/b.js']),
    ).not.toThrow();
  });
});
