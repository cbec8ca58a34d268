import type { ErrorCode } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { assertNameLength, assertNoCollisions, foldKey } from './names.js';

describe('entry name collisions', () => {
  const cases: [readonly string[], ErrorCode][] = [
    [['classes/a.js', 'classes/a.js'], 'CHASSIS_E_CAR_DUPLICATE_ENTRY'],
    [['classes/\u00e9.js', 'classes/e\u0301.js'], 'CHASSIS_E_CAR_DUPLICATE_ENTRY'],
    [['classes/a', 'classes/a/b.js'], 'CHASSIS_E_CAR_DUPLICATE_ENTRY'],
    [['classes/a/b.js', 'classes/A'], 'CHASSIS_E_CAR_DUPLICATE_ENTRY'],
    [['classes/x/', 'classes/x'], 'CHASSIS_E_CAR_DUPLICATE_ENTRY'],
    [['classes/A.js', 'classes/a.js'], 'CHASSIS_E_CAR_NAME_CASE_COLLISION'],
    // Full case folding, beyond toLowerCase(): long s, Kelvin sign, sharp s, ligatures.
    [['classes/\u017f.js', 'classes/s.js'], 'CHASSIS_E_CAR_NAME_CASE_COLLISION'],
    [['classes/\u212a.js', 'classes/k.js'], 'CHASSIS_E_CAR_NAME_CASE_COLLISION'],
    [['classes/stra\u00dfe.js', 'classes/STRASSE.js'], 'CHASSIS_E_CAR_NAME_CASE_COLLISION'],
    [['classes/\ufb01le.js', 'classes/file.js'], 'CHASSIS_E_CAR_NAME_CASE_COLLISION'],
    [['classes/\u00c9.js', 'classes/e\u0301.js'], 'CHASSIS_E_CAR_NAME_CASE_COLLISION'],
    // Folders that would merge on a case-insensitive file system.
    [['classes/Util/a.js', 'classes/util/b.js'], 'CHASSIS_E_CAR_NAME_CASE_COLLISION'],
    [['classes/\u017fub/', 'classes/sub/b.js'], 'CHASSIS_E_CAR_NAME_CASE_COLLISION'],
  ];
  it.each(cases)('refuses %j with %s', (names, code) => {
    expect(() => assertNoCollisions(names, 'x.car')).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    [['classes/', 'classes/a.js', 'classes/sub/', 'classes/sub/b.js']],
    [['classes/a.js', 'classes/b.js', 'classes/\u00e0.js', 'classes/\u0101.js']],
    [['classes/i.js', 'classes/\u0130.js']],
  ])(
    'accepts distinct names %j (directory entries next to their files, as zip -r writes)',
    (names) => {
      expect(() => assertNoCollisions(names)).not.toThrow();
    },
  );

  it('folds the way a case-insensitive file system may', () => {
    expect(foldKey('classes/\u017f')).toBe(foldKey('classes/S'));
    expect(foldKey('\u212a')).toBe('k');
    expect(foldKey('\u2126')).toBe(foldKey('\u03c9'));
    expect(foldKey('lib/')).toBe('lib');
  });
});

describe('entry name lengths', () => {
  it.each([
    [`classes/${'a'.repeat(255)}`, true],
    [`classes/${'a'.repeat(256)}`, false],
    // 128 two-byte characters are 256 bytes: the limit is in bytes, not characters.
    [`classes/${'\u00e9'.repeat(128)}`, false],
    [`classes/${'a/'.repeat(507)}x`, true],
    [`classes/${'abcdefgh/'.repeat(113)}x`, false],
  ])('%#: accepts=%s', (name, ok) => {
    const check = () => assertNameLength(name, 'x.car');
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(expect.objectContaining({ code: 'CHASSIS_E_CAR_NAME_TOO_LONG' }));
  });
});
