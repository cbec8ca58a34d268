import { existsSync, promises as fsPromises, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ChassisError, type ErrorCode } from '@chassis/kernel';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SAMPLE_YAML, sampleFiles, tempDir, withManifest } from './__fixtures__/driver-project.js';
import type { CarLimits } from './limits.js';
import { resolveLimits } from './limits.js';
import { extractCar, readCar } from './read.js';
import { type RawEntry, rawEntries, rawZip } from './testing/raw-zip.js';
import { readSafeZip } from './zip-reader.js';

/** A valid CAR's raw entries with `change` applied. */
function validWith(change: (entries: RawEntry[]) => RawEntry[]): Buffer {
  return rawZip(change(rawEntries(withManifest(sampleFiles()))));
}
/** A CAR whose files (manifest rebuilt to match) are `files`, so only the intended check fails. */
function filesWith(change: (files: Map<string, Buffer>) => void): Buffer {
  const files = sampleFiles();
  change(files);
  return rawZip(rawEntries(withManifest(files)));
}
const add = (e: RawEntry) => (entries: RawEntry[]) => [...entries, e];
const js = Buffer.from('export {};\n');
const S_IFLNK = 0o120777;

const billionLaughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
].join('\n');

interface Case {
  readonly name: string;
  readonly code: ErrorCode;
  readonly bytes: () => Buffer;
  readonly limits?: Partial<CarLimits>;
}

const cases: Case[] = [
  {
    name: '../ traversal',
    code: 'CHASSIS_E_CAR_ZIP_SLIP',
    bytes: () => validWith(add({ name: 'classes/../../evil.js', data: js })),
  },
  {
    name: 'absolute path',
    code: 'CHASSIS_E_CAR_ZIP_SLIP',
    bytes: () => validWith(add({ name: '/etc/evil.js', data: js })),
  },
  {
    name: 'drive letter',
    code: 'CHASSIS_E_CAR_ZIP_SLIP',
    bytes: () => validWith(add({ name: 'C:/evil.js', data: js })),
  },
  {
    name: 'backslashes',
    code: 'CHASSIS_E_CAR_ZIP_SLIP',
    bytes: () => validWith(add({ name: 'classes\\..\\..\\evil.js', data: js })),
  },
  {
    name: 'NUL in a name',
    code: 'CHASSIS_E_CAR_ZIP_SLIP',
    bytes: () => validWith(add({ name: 'classes/a\u0000.js', data: js })),
  },
  {
    name: 'symbolic link',
    code: 'CHASSIS_E_CAR_SYMLINK',
    bytes: () =>
      validWith(
        add({
          name: 'classes/link.js',
          data: Buffer.from('/etc/passwd'),
          externalAttributes: (S_IFLNK << 16) >>> 0,
        }),
      ),
  },
  {
    name: 'exact duplicate',
    code: 'CHASSIS_E_CAR_DUPLICATE_ENTRY',
    bytes: () => validWith(add({ name: 'classes/index.js', data: Buffer.from('evil();') })),
  },
  {
    name: 'case-folded duplicate',
    code: 'CHASSIS_E_CAR_NAME_CASE_COLLISION',
    bytes: () => validWith(add({ name: 'classes/INDEX.js', data: js })),
  },
  {
    name: 'Unicode-normalised duplicate',
    code: 'CHASSIS_E_CAR_DUPLICATE_ENTRY',
    bytes: () =>
      validWith((e) => [
        ...e,
        { name: 'classes/caf\u00e9.js', data: js },
        { name: 'classes/cafe\u0301.js', data: js },
      ]),
  },
  {
    name: 'names colliding only under full case folding (long s)',
    code: 'CHASSIS_E_CAR_NAME_CASE_COLLISION',
    bytes: () =>
      validWith((e) => [
        ...e,
        { name: 'classes/\u017fetup.js', data: js },
        { name: 'classes/setup.js', data: js },
      ]),
  },
  {
    name: 'names colliding only under full case folding (Kelvin sign)',
    code: 'CHASSIS_E_CAR_NAME_CASE_COLLISION',
    bytes: () =>
      validWith((e) => [
        ...e,
        { name: 'classes/\u212aey.js', data: js },
        { name: 'classes/key.js', data: js },
      ]),
  },
  {
    name: 'path component too long for a file system',
    code: 'CHASSIS_E_CAR_NAME_TOO_LONG',
    bytes: () => filesWith((f) => f.set(`classes/${'a'.repeat(300)}.js`, js)),
  },
  {
    name: 'path too long',
    code: 'CHASSIS_E_CAR_NAME_TOO_LONG',
    bytes: () => filesWith((f) => f.set(`classes/${'deep/'.repeat(220)}x.js`, js)),
  },
  {
    name: 'data descriptor disagreeing with the central directory',
    code: 'CHASSIS_E_CAR_DATA_DESCRIPTOR_MISMATCH',
    bytes: () =>
      validWith((e) =>
        e.map((x) =>
          x.name === 'classes/index.js'
            ? { ...x, descriptor: { uncompressedSize: (x.data?.length ?? 0) + 100 } }
            : x,
        ),
      ),
  },
  {
    name: 'data descriptor without signature disagreeing on the CRC-32',
    code: 'CHASSIS_E_CAR_DATA_DESCRIPTOR_MISMATCH',
    bytes: () =>
      validWith((e) =>
        e.map((x) =>
          x.name === 'LICENSE' ? { ...x, descriptor: { crc: 0xdeadbeef, signature: false } } : x,
        ),
      ),
  },
  {
    name: 'local header sizes disagreeing with the central directory',
    code: 'CHASSIS_E_CAR_DATA_DESCRIPTOR_MISMATCH',
    bytes: () => {
      const zip = validWith((e) => e);
      // The first local header is driver.yaml's (offset 0): claim one byte more there.
      zip.writeUInt32LE(zip.readUInt32LE(22) + 1, 22);
      return zip;
    },
  },
  {
    name: 'end record hiding an extra central-directory record',
    code: 'CHASSIS_E_CAR_ENTRY_COUNT_MISMATCH',
    bytes: () => {
      const entries = [
        ...rawEntries(withManifest(sampleFiles())),
        { name: 'classes/hidden.js', data: js },
      ];
      return rawZip(entries, { declaredCount: entries.length - 1 });
    },
  },
  {
    name: 'self-extractor prefix (offsets adjusted)',
    code: 'CHASSIS_E_CAR_PREFIX_BYTES',
    bytes: () =>
      rawZip(rawEntries(withManifest(sampleFiles())), {
        prefix: Buffer.from('#!/bin/sh\nexit 0\n'),
      }),
  },
  {
    name: 'self-extractor prefix (offsets relative to the zip)',
    code: 'CHASSIS_E_CAR_PREFIX_BYTES',
    bytes: () =>
      rawZip(rawEntries(withManifest(sampleFiles())), {
        prefix: Buffer.from('MZ stub'),
        adjustOffsets: false,
      }),
  },
  {
    name: 'bytes between two entries',
    code: 'CHASSIS_E_CAR_CORRUPT',
    bytes: () =>
      validWith((e) =>
        e.map((x) => (x.name === 'LICENSE' ? { ...x, trailing: Buffer.from('smuggled') } : x)),
      ),
  },
  {
    name: 'file used as a folder',
    code: 'CHASSIS_E_CAR_DUPLICATE_ENTRY',
    bytes: () => validWith(add({ name: 'classes/index.js/x.js', data: js })),
  },
  {
    name: 'top-level file outside the layout',
    code: 'CHASSIS_E_CAR_LAYOUT',
    bytes: () => validWith(add({ name: 'install.sh', data: js })),
  },
  {
    name: 'top-level folder outside the layout',
    code: 'CHASSIS_E_CAR_LAYOUT',
    bytes: () => validWith(add({ name: 'node_modules/x.js', data: js })),
  },
  {
    name: 'too many entries',
    code: 'CHASSIS_E_CAR_TOO_MANY_ENTRIES',
    limits: { maxEntries: 5 },
    bytes: () => validWith((e) => e),
  },
  {
    name: 'total size',
    code: 'CHASSIS_E_CAR_TOO_LARGE',
    limits: { maxTotalBytes: 1000 },
    bytes: () => validWith((e) => e),
  },
  {
    name: 'entry size',
    code: 'CHASSIS_E_CAR_TOO_LARGE',
    limits: { maxEntryBytes: 100 },
    bytes: () => validWith((e) => e),
  },
  {
    name: 'zip bomb (compression ratio)',
    code: 'CHASSIS_E_CAR_COMPRESSION_RATIO',
    bytes: () => validWith(add({ name: 'lib/zeros.bin', data: Buffer.alloc(4 * 1024 * 1024) })),
  },
  {
    name: 'entry expanding past its declared size',
    code: 'CHASSIS_E_CAR_CORRUPT',
    bytes: () =>
      validWith(add({ name: 'lib/liar.bin', data: Buffer.alloc(200_000, 7), declaredSize: 100 })),
  },
  {
    name: 'encrypted entry',
    code: 'CHASSIS_E_CAR_ENCRYPTED',
    bytes: () => validWith(add({ name: 'classes/secret.js', data: js, flags: 0x1 })),
  },
  {
    name: 'unsupported compression method',
    code: 'CHASSIS_E_CAR_UNSUPPORTED_ENTRY',
    bytes: () => validWith(add({ name: 'classes/b.js', data: js, method: 12 })),
  },
  {
    name: 'CRC mismatch',
    code: 'CHASSIS_E_CAR_CORRUPT',
    bytes: () =>
      validWith((e) => e.map((x) => (x.name === 'classes/index.js' ? { ...x, crc: 1234 } : x))),
  },
  {
    name: 'truncated archive',
    code: 'CHASSIS_E_CAR_CORRUPT',
    bytes: () => validWith((e) => e).subarray(0, 300),
  },
  {
    name: 'not a zip',
    code: 'CHASSIS_E_CAR_CORRUPT',
    bytes: () => Buffer.from('definitely not a zip file, just text'),
  },
  { name: 'empty file', code: 'CHASSIS_E_CAR_CORRUPT', bytes: () => Buffer.alloc(0) },
  {
    name: 'corrupt deflate stream',
    code: 'CHASSIS_E_CAR_CORRUPT',
    bytes: () => {
      const zip = validWith((e) => e);
      const at = zip.indexOf('classes/index.js') + 'classes/index.js'.length;
      zip.fill(0xff, at, at + 8);
      return zip;
    },
  },
  {
    name: 'oversized driver.yaml',
    code: 'CHASSIS_E_CAR_DESCRIPTOR_TOO_LARGE',
    bytes: () =>
      filesWith((f) => f.set('driver.yaml', Buffer.from(`${SAMPLE_YAML}#${'x'.repeat(70_000)}\n`))),
  },
  {
    name: 'YAML billion laughs',
    code: 'CHASSIS_E_CAR_DESCRIPTOR_PARSE',
    bytes: () => filesWith((f) => f.set('driver.yaml', Buffer.from(billionLaughs))),
  },
  {
    name: 'driver.yaml missing',
    code: 'CHASSIS_E_CAR_DESCRIPTOR_MISSING',
    bytes: () => filesWith((f) => f.delete('driver.yaml')),
  },
  {
    name: 'driver.yaml invalid',
    code: 'CHASSIS_E_CAR_DESCRIPTOR_INVALID',
    bytes: () => filesWith((f) => f.set('driver.yaml', Buffer.from('id: nope\n'))),
  },
  {
    name: 'MANIFEST.MF missing',
    code: 'CHASSIS_E_CAR_MANIFEST_MISSING',
    bytes: () => rawZip(rawEntries(sampleFiles())),
  },
  {
    name: 'MANIFEST.MF unparsable',
    code: 'CHASSIS_E_CAR_MANIFEST_INVALID',
    bytes: () =>
      validWith((e) =>
        e.map((x) =>
          x.name === 'META-INF/MANIFEST.MF' ? { ...x, data: Buffer.from('garbage\n') } : x,
        ),
      ),
  },
  {
    name: 'file not in MANIFEST.MF',
    code: 'CHASSIS_E_CAR_MANIFEST_UNLISTED',
    bytes: () => validWith(add({ name: 'classes/extra.js', data: js })),
  },
  {
    name: 'MANIFEST.MF lists a missing file',
    code: 'CHASSIS_E_CAR_MANIFEST_MISSING_FILE',
    bytes: () => validWith((e) => e.filter((x) => x.name !== 'classes/util/helpers.js')),
  },
  {
    name: 'digest mismatch',
    code: 'CHASSIS_E_CAR_DIGEST_MISMATCH',
    bytes: () =>
      validWith((e) =>
        e.map((x) =>
          x.name === 'classes/index.js' ? { ...x, data: Buffer.from('evil();\n') } : x,
        ),
      ),
  },
  {
    name: 'manifest id/version mismatch',
    code: 'CHASSIS_E_CAR_MANIFEST_ID_MISMATCH',
    bytes: () => rawZip(rawEntries(withManifest(sampleFiles(), 'com.example.other', '2.1.0'))),
  },
  {
    name: 'entry module missing',
    code: 'CHASSIS_E_CAR_ENTRY_MISSING',
    bytes: () => filesWith((f) => f.delete('classes/index.js')),
  },
  {
    name: 'label key missing from en.json',
    code: 'CHASSIS_E_CAR_MESSAGES_MISSING',
    bytes: () =>
      filesWith((f) =>
        f.set('resources/messages/en.json', Buffer.from('{"solidfire.mvip.label": "x"}')),
      ),
  },
  {
    name: 'messages not flat strings',
    code: 'CHASSIS_E_CAR_MESSAGES_INVALID',
    bytes: () =>
      filesWith((f) => f.set('resources/messages/de.json', Buffer.from('{"a": {"b": 1}}'))),
  },
  {
    name: 'LICENSE missing',
    code: 'CHASSIS_E_CAR_LAYOUT',
    bytes: () => filesWith((f) => f.delete('LICENSE')),
  },
];

describe('hostile and broken archives', () => {
  const tmp = tempDir('car-hostile-');
  afterAll(() => tmp.cleanup());

  it('the unmodified fixture is accepted (so each case below fails for its own reason)', async () => {
    const file = path.join(tmp.dir, 'valid.car');
    writeFileSync(
      file,
      validWith((e) => e),
    );
    await expect(readCar(file)).resolves.toMatchObject({
      descriptor: { id: 'com.example.solidfire' },
    });
  });

  it('accepts data descriptors that agree with the central directory (as streaming writers make)', async () => {
    const file = path.join(tmp.dir, 'descriptors.car');
    writeFileSync(
      file,
      validWith((e) => e.map((x, i) => ({ ...x, descriptor: { signature: i % 2 === 0 } }))),
    );
    await expect(readCar(file)).resolves.toMatchObject({
      descriptor: { id: 'com.example.solidfire' },
    });
  });

  it.each(cases)('refuses $name with $code and leaves nothing behind', async (c) => {
    const slug = c.name.replace(/[^a-z0-9]+/gi, '-');
    const file = path.join(tmp.dir, `${slug}.car`);
    writeFileSync(file, c.bytes());
    const options = c.limits ? { limits: c.limits } : undefined;
    const err = await readCar(file, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ChassisError.is(err), String(err)).toBe(true);
    expect((err as ChassisError).code).toBe(c.code);
    const parent = path.join(tmp.dir, `out-${slug}`);
    await expect(extractCar(file, path.join(parent, 'driver'), options)).rejects.toMatchObject({
      code: c.code,
    });
    expect(existsSync(parent)).toBe(false);
    expect((await readdir(tmp.dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('refuses a missing file with CHASSIS_E_CAR_NOT_FOUND', async () => {
    await expect(readCar(path.join(tmp.dir, 'nope.car'))).rejects.toMatchObject({
      code: 'CHASSIS_E_CAR_NOT_FOUND',
    });
  });
});

describe('extraction clean-up', () => {
  const tmp = tempDir('car-cleanup-');
  afterAll(() => tmp.cleanup());

  it('a failing clean-up never replaces the typed error of the archive', async () => {
    const corrupt = cases.find((c) => c.name === 'corrupt deflate stream');
    if (!corrupt) throw new Error('fixture missing');
    const file = path.join(tmp.dir, 'corrupt.car');
    writeFileSync(file, corrupt.bytes());
    const busy = Object.assign(new Error('ENOTEMPTY: directory not empty'), { code: 'ENOTEMPTY' });
    const rm = vi.spyOn(fsPromises, 'rm').mockRejectedValue(busy);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await expect(extractCar(file, path.join(tmp.dir, 'out', 'driver'))).rejects.toMatchObject({
        code: 'CHASSIS_E_CAR_CORRUPT',
      });
      expect(rm).toHaveBeenCalled();
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('partial extraction'),
        expect.objectContaining({ code: 'CHASSIS_W_CAR_EXTRACT_LEFTOVER' }),
      );
    } finally {
      rm.mockRestore();
      warn.mockRestore();
    }
  });

  it('a failed entry is reported only once every write in flight has settled (no clean-up race)', async () => {
    const file = path.join(tmp.dir, 'race.car');
    writeFileSync(
      file,
      validWith((e) => e),
    );
    const events: string[] = [];
    let calls = 0;
    let failed!: () => void;
    const failure = new Promise<void>((resolve) => {
      failed = resolve;
    });
    const outcome = readSafeZip(file, resolveLimits(), {
      sink: async () => {
        const call = calls++;
        if (call === 0) {
          // A slow write: still running when another entry fails.
          await failure;
          await new Promise((resolve) => setTimeout(resolve, 20));
          events.push('slow write done');
        } else if (call === 1) {
          failed();
          throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
        }
      },
    }).then(
      () => events.push('resolved'),
      () => events.push('rejected'),
    );
    await outcome;
    expect(events).toEqual(['slow write done', 'rejected']);
  });
});
