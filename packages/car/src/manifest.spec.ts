import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createManifest, manifestFor, parseManifest, serializeManifest } from './manifest.js';

const D1 = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';
const D2 = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

describe('MANIFEST.MF', () => {
  it('manifestFor digests each file (base64 SHA-256) into the serialised manifest', () => {
    const files = new Map([
      ['driver.yaml', Buffer.from('id: a.b\n')],
      ['classes/index.js', Buffer.from('export default {};\n')],
    ]);
    const bytes = manifestFor('a.b', '1.2.0', files);
    const m = parseManifest(bytes);
    expect([m.driverId, m.driverVersion]).toEqual(['a.b', '1.2.0']);
    expect([...m.entries]).toEqual([
      ['classes/index.js', createHash('sha256').update('export default {};\n').digest('base64')],
      ['driver.yaml', createHash('sha256').update('id: a.b\n').digest('base64')],
    ]);
    expect(bytes.toString('utf8')).toContain('Created-By: chassis car');
  });

  it('serialises a golden manifest (CRLF, main section, sorted entries)', () => {
    const m = createManifest(
      'com.example.solidfire',
      '2.1.0',
      new Map([
        ['driver.yaml', D1],
        ['classes/index.js', D2],
      ]),
    );
    expect(serializeManifest(m).toString('utf8')).toBe(
      [
        'Manifest-Version: 1.0',
        'Chassis-Driver-Id: com.example.solidfire',
        'Chassis-Driver-Version: 2.1.0',
        'Created-By: chassis car',
        '',
        'Name: classes/index.js',
        `SHA-256-Digest: ${D2}`,
        '',
        'Name: driver.yaml',
        `SHA-256-Digest: ${D1}`,
        '',
        '',
      ].join('\r\n'),
    );
  });

  it('folds lines at 72 bytes without splitting UTF-8 characters, and parses them back', () => {
    const long = `lib/${'ü'.repeat(30)}/${'a'.repeat(80)}.js`;
    const m = createManifest('com.example.x', '1.0.0', new Map([[long, D1]]));
    const bytes = serializeManifest(m);
    for (const line of bytes.toString('utf8').split('\r\n')) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(72);
    }
    expect(bytes.toString('utf8')).toContain('\r\n ');
    const back = parseManifest(bytes);
    expect([...back.entries]).toEqual([[long, D1]]);
    expect(serializeManifest(back)).toEqual(bytes);
  });

  it('parses LF-only manifests and keeps main attributes in order', () => {
    const m = parseManifest(
      `Manifest-Version: 1.0\nCreated-By: someone\nChassis-Driver-Id: a.b\nChassis-Driver-Version: 1.0.0\n\nName: LICENSE\nSHA-256-Digest: ${D1}\n`,
    );
    expect(m.driverId).toBe('a.b');
    expect([...m.mainAttributes.keys()]).toEqual([
      'Manifest-Version',
      'Created-By',
      'Chassis-Driver-Id',
      'Chassis-Driver-Version',
    ]);
    expect(m.entries.get('LICENSE')).toBe(D1);
  });

  it.each([
    ['a missing main header', 'Manifest-Version: 1.0\nChassis-Driver-Id: a.b\n'],
    ['a line without a colon', 'Manifest-Version: 1.0\nnonsense\n'],
    ['a continuation of nothing', ' continued\n'],
    [
      'a section without a digest',
      'Manifest-Version: 1.0\nChassis-Driver-Id: a.b\nChassis-Driver-Version: 1.0.0\n\nName: LICENSE\n',
    ],
    [
      'a malformed digest',
      'Manifest-Version: 1.0\nChassis-Driver-Id: a.b\nChassis-Driver-Version: 1.0.0\n\nName: LICENSE\nSHA-256-Digest: abc\n',
    ],
    [
      'a file listed twice',
      `Manifest-Version: 1.0\nChassis-Driver-Id: a.b\nChassis-Driver-Version: 1.0.0\n\nName: LICENSE\nSHA-256-Digest: ${D1}\n\nName: LICENSE\nSHA-256-Digest: ${D1}\n`,
    ],
    ['invalid UTF-8', Buffer.from([0x4d, 0x3a, 0x20, 0xff, 0xfe])],
  ])('refuses %s with CHASSIS_E_CAR_MANIFEST_INVALID', (_name, text) => {
    expect(() => parseManifest(text)).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CAR_MANIFEST_INVALID' }),
    );
  });
});
