import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { idWithinPrefix } from './profile.js';
import { normalizeSerial } from './x509.js';

describe('idWithinPrefix', () => {
  const table: [string, string, boolean][] = [
    ['com.example.solidfire', 'com.example.', true],
    ['com.example.storage.solidfire', 'com.example.', true],
    ['com.example.', 'com.example.', false],
    ['com.example', 'com.example.', false],
    ['com.examplevil.x', 'com.example.', false],
    ['org.example.x', 'com.example.', false],
    ['com.example', 'com.example', true],
    ['com.example.x', 'com.example', true],
    ['com.examplevil.x', 'com.example', false],
    ['com.exampl', 'com.example', false],
  ];
  for (const [id, prefix, expected] of table) {
    it(`${id} within ${prefix}: ${expected}`, () => {
      expect(idWithinPrefix(id, prefix)).toBe(expected);
    });
  }
});

describe('normalizeSerial', () => {
  const table: [string, string][] = [
    ['7F01', '7f01'],
    ['0x7f01', '7f01'],
    ['00:7f:01', '7f01'],
    ['0', '0'],
    ['000', '0'],
    ['xyz', ''],
    ['', ''],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      expect(normalizeSerial(input)).toBe(expected);
    });
  }
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }], u: undefined })).toBe(
      '{"a":[{"c":null,"d":"x"}],"b":1}',
    );
  });
  it('refuses values JSON cannot represent', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});
