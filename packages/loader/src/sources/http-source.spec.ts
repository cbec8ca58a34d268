import { ChassisError } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { parseIndex, parseListing } from './http-source.js';

const base = new URL('http://127.0.0.1:8080/cars/');
const sha = 'a'.repeat(64);

describe('parseIndex', () => {
  it.each([
    [
      '{"cars":[{"name":"b.car","url":"b.car","size":3},{"name":"a.car","url":"/x/a.car","sha256":"' +
        sha +
        '"}]}',
      [
        { name: 'a.car', url: 'http://127.0.0.1:8080/x/a.car', sha256: sha },
        { name: 'b.car', url: 'http://127.0.0.1:8080/cars/b.car', size: 3 },
      ],
    ],
    [
      '[{"name":"c.car","url":"http://other.invalid/c.car","sha256":"nothex"}]',
      [{ name: 'c.car', url: 'http://other.invalid/c.car' }],
    ],
    ['[]', []],
  ])('%s', (text, refs) => {
    expect(parseIndex(text, new URL('index.json', base))).toEqual(refs);
  });

  it.each(['not json', '{"cars":3}', '[{"name":1,"url":"x"}]', 'null'])('refuses %s', (text) => {
    try {
      parseIndex(text, new URL('index.json', base));
      expect.unreachable();
    } catch (err) {
      expect(ChassisError.is(err, 'CHASSIS_E_LOADER_SOURCE_UNREACHABLE')).toBe(true);
    }
  });
});

describe('parseListing', () => {
  it('finds .car links, resolves them, drops duplicates and other files', () => {
    const html = `<a href="b.car">b</a> <a href='a%20x.car'>a</a> <a href="b.car">dup</a>
      <a href="readme.txt">r</a> <a href="../up.car">up</a> <a href="z.car?download=1">q</a>`;
    expect(parseListing(html, base)).toEqual([
      { name: 'a x.car', url: 'http://127.0.0.1:8080/cars/a%20x.car' },
      { name: 'b.car', url: 'http://127.0.0.1:8080/cars/b.car' },
      { name: 'up.car', url: 'http://127.0.0.1:8080/up.car' },
    ]);
  });
});
