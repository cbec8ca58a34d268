import { ChassisError } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { SAMPLE_YAML } from './__fixtures__/driver-project.js';
import { parseDescriptor, validateDescriptor } from './descriptor.js';

function violationsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    if (ChassisError.is(err, 'CHASSIS_E_CAR_DESCRIPTOR_INVALID')) {
      return err.details.violations as Array<{ path: string; message: string }>;
    }
    throw err;
  }
  throw new Error('expected CHASSIS_E_CAR_DESCRIPTOR_INVALID');
}

describe('driver.yaml', () => {
  it('parses the design-notes example into a typed descriptor', () => {
    const d = parseDescriptor(SAMPLE_YAML);
    expect(d).toMatchObject({
      id: 'com.example.solidfire',
      version: '2.1.0',
      category: 'storage',
      engines: { chassis: '^1.0.0' },
      provides: [{ point: 'storage.primary', version: '^1.0.0' }],
    });
    expect(d.properties?.[1]).toMatchObject({ key: 'mPort', type: 'number', default: 443 });
  });

  it('accepts a permissions: block and refuses unknown or relative entries', () => {
    const d = parseDescriptor(
      `${SAMPLE_YAML}permissions:\n  childProcess: true\n  read: [/etc/ssl/certs]\n`,
    );
    expect(d.permissions).toEqual({ childProcess: true, read: ['/etc/ssl/certs'] });
    const bad = violationsOf(() =>
      parseDescriptor(`${SAMPLE_YAML}permissions:\n  network: true\n  read: [etc]\n`),
    );
    expect(bad.map((v) => v.path).sort()).toEqual(['permissions.network', 'permissions.read[0]']);
  });

  it('reports every schema violation at once, each with its path', () => {
    const violations = violationsOf(() =>
      validateDescriptor({
        id: 'NotReverseDns',
        name: 'x',
        version: '1.0',
        vendor: 'v',
        license: 'MIT',
        category: 'storage',
        entry: 'index.js',
        engines: { chassis: 'not a range' },
        isolation: 'vm',
        provides: [{ point: 'storage.primary', version: '^1.0.0' }],
        properties: [
          { key: 'a', labelKey: 'a.label', type: 'uuid' },
          { key: 'b', labelKey: 'b.label', type: 'number', default: 'x' },
          { key: 'a', labelKey: 'a2.label', type: 'string' },
        ],
        surprise: true,
      }),
    );
    const paths = violations.map((v) => v.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'id',
        'version',
        'entry',
        'isolation',
        'surprise',
        'engines.chassis',
        'properties[0].type',
        'properties[1].default',
        'properties[2].key',
      ]),
    );
  });

  it.each([
    ['a missing required field', { ...minimal(), vendor: undefined }, 'vendor'],
    ['an empty provides list', { ...minimal(), provides: [] }, 'provides'],
    [
      'a bad extension point id',
      { ...minimal(), provides: [{ point: 'Storage!', version: '^1' }] },
      'provides[0].point',
    ],
    [
      'a bad provides range',
      { ...minimal(), provides: [{ point: 'storage.primary', version: 'latest!' }] },
      'provides[0].version',
    ],
    [
      'a self-requirement',
      { ...minimal(), requires: [{ id: 'com.example.x', version: '^1.0.0' }] },
      'requires[0].id',
    ],
    ['a non-SPDX license', { ...minimal(), license: 'all rights / reserved' }, 'license'],
    [
      'a provided point listed twice',
      {
        ...minimal(),
        provides: [
          { point: 'a.b', version: '^1.0.0' },
          { point: 'a.b', version: '^2.0.0' },
        ],
      },
      'provides[1].point',
    ],
  ])('refuses %s', (_name, value, path) => {
    expect(violationsOf(() => validateDescriptor(JSON.parse(JSON.stringify(value))))).toEqual(
      expect.arrayContaining([expect.objectContaining({ path })]),
    );
  });

  it('refuses YAML anchors and aliases (billion laughs) with CHASSIS_E_CAR_DESCRIPTOR_PARSE', () => {
    const bomb = `a: &a ["lol","lol"]\nb: &b [*a,*a]\nc: [*b,*b]\n`;
    expect(() => parseDescriptor(bomb)).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CAR_DESCRIPTOR_PARSE' }),
    );
    expect(() => parseDescriptor(`${SAMPLE_YAML}x: &anchor 1\n`)).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CAR_DESCRIPTOR_PARSE' }),
    );
  });

  it('accepts & and * inside ordinary strings', () => {
    const d = parseDescriptor(
      SAMPLE_YAML.replace(
        'description: Example storage driver',
        'description: "R&D *fast* storage" # & *',
      ),
    );
    expect(d.description).toBe('R&D *fast* storage');
  });

  it('refuses invalid YAML, custom tags and an oversized document', () => {
    expect(() => parseDescriptor('id: [unclosed')).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CAR_DESCRIPTOR_PARSE' }),
    );
    expect(() => parseDescriptor('id: !!js/function "x"')).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CAR_DESCRIPTOR_PARSE' }),
    );
    expect(() => parseDescriptor(`${SAMPLE_YAML}#${'x'.repeat(100)}`, 'driver.yaml', 200)).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CAR_DESCRIPTOR_TOO_LARGE' }),
    );
  });

  it('refuses a YAML document that is not a mapping', () => {
    expect(violationsOf(() => parseDescriptor('- a\n- b\n'))).toEqual([
      expect.objectContaining({ path: '(root)' }),
    ]);
  });
});

function minimal(): Record<string, unknown> {
  return {
    id: 'com.example.x',
    name: 'X',
    version: '1.0.0',
    vendor: 'V',
    license: 'MIT',
    category: 'storage',
    entry: 'classes/index.js',
    engines: { chassis: '^1.0.0' },
    provides: [{ point: 'storage.primary', version: '^1.0.0' }],
  };
}
