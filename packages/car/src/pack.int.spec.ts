import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ChassisError, type ErrorCode } from '@chassis/kernel';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_YAML, sampleFiles, tempDir, writeFiles } from './__fixtures__/driver-project.js';
import { formatInspection } from './format.js';
import { inspectCar } from './inspect.js';
import { packCar } from './pack.js';
import { readCar, readCarEntries } from './read.js';

const tmp = tempDir('car-pack-');
afterAll(() => tmp.cleanup());

function project(name: string, change?: (files: Map<string, Buffer>) => void): string {
  const dir = path.join(tmp.dir, name);
  const files = sampleFiles();
  change?.(files);
  writeFiles(dir, files);
  return dir;
}

describe('packCar + inspectCar (golden)', () => {
  it('inspects a packed CAR with stable output', async () => {
    const packed = await packCar(project('golden'), { out: path.join(tmp.dir, 'golden.car') });
    const inspection = await inspectCar(packed.file);
    expect(inspection.sha256).toBe((await readCar(packed.file)).sha256);
    expect(inspection.size).toBeGreaterThan(0);
    const stable = { ...inspection, file: '<file>', size: '<size>', sha256: '<sha256>' };
    expect(stable).toMatchInlineSnapshot(`
      {
        "driver": {
          "category": "storage",
          "description": "Example storage driver",
          "engines": {
            "chassis": "^1.0.0",
          },
          "entry": "classes/index.js",
          "id": "com.example.solidfire",
          "isolation": "worker",
          "license": "Apache-2.0",
          "name": "SolidFire primary storage",
          "vendor": "Example Storage Inc.",
          "version": "2.1.0",
        },
        "file": "<file>",
        "files": [
          {
            "path": "LICENSE",
            "sha256": "Es+Dchy/6E8dNGcKo2Tkco/h5Wq1bRl7i+gaSpQnxzA=",
            "size": 26,
          },
          {
            "path": "META-INF/MANIFEST.MF",
            "sha256": "CncRVCEJykeEQa6x0tmx30TzddjpBGS7jVGaqdY1zVE=",
            "size": 664,
          },
          {
            "path": "classes/index.js",
            "sha256": "BJdJCWoyF/Jx3L185+XuNgb439WrgoEJ/4nDY6dJVk4=",
            "size": 56,
          },
          {
            "path": "classes/util/helpers.js",
            "sha256": "tA3t3mCCi/YdH62/w7t+ouBCHpUR0i8bX7RK5boH27M=",
            "size": 20,
          },
          {
            "path": "driver.yaml",
            "sha256": "lrWa4GwxhanX7uky45WxerIGqrBlE2UvFvM8BBTOR1o=",
            "size": 742,
          },
          {
            "path": "resources/messages/de.json",
            "sha256": "kTz2WghH39D9UE712NprEC7B23v+j7HgfkAFvc1pY9k=",
            "size": 46,
          },
          {
            "path": "resources/messages/en.json",
            "sha256": "UOER7JPAttqWsXMavtqOGGgRXBN2m968RTqupPWClJI=",
            "size": 280,
          },
        ],
        "locales": [
          "de",
          "en",
        ],
        "properties": [
          {
            "description": "Cluster management address",
            "descriptionKey": "solidfire.mvip.description",
            "key": "mVip",
            "label": "Management VIP",
            "labelKey": "solidfire.mvip.label",
            "maxLength": 255,
            "required": true,
            "secret": false,
            "type": "string",
          },
          {
            "default": 443,
            "key": "mPort",
            "label": "Management port",
            "labelKey": "solidfire.mport.label",
            "required": false,
            "secret": false,
            "type": "number",
          },
          {
            "description": "Password of the cluster admin",
            "descriptionKey": "solidfire.password.description",
            "key": "clusterAdminPassword",
            "label": "Cluster admin password",
            "labelKey": "solidfire.password.label",
            "required": true,
            "secret": true,
            "type": "string",
          },
        ],
        "provides": [
          {
            "point": "storage.primary",
            "version": "^1.0.0",
          },
        ],
        "requires": [],
        "sha256": "<sha256>",
        "signature": "unsigned",
        "size": "<size>",
      }
    `);
  });

  it('renders the human tables and writes a golden MANIFEST.MF', async () => {
    const packed = await packCar(project('golden-text'), {
      out: path.join(tmp.dir, 'golden-text.car'),
    });
    const text = formatInspection(await inspectCar(packed.file));
    const stable = text.replace(/^(size|sha256) .*$/gm, '$1 <...>');
    expect(stable).toMatchInlineSnapshot(`
      "SolidFire primary storage (com.example.solidfire@2.1.0)
      Example storage driver

      field            value
      ---------------  ----------------------------------------------------------------
      vendor           Example Storage Inc.
      license          Apache-2.0
      category         storage
      entry            classes/index.js
      isolation        worker
      engines.chassis  ^1.0.0
      locales          de, en
      signature        unsigned
      size <...>
      sha256 <...>

      Provides
      point            version  handles
      ---------------  -------  -------
      storage.primary  ^1.0.0   -

      Requires
      (none)

      Properties
      key                   type         required  secret  default  label
      --------------------  -----------  --------  ------  -------  ----------------------
      mVip                  string(255)  yes       no      -        Management VIP
      mPort                 number       no        no      443      Management port
      clusterAdminPassword  string       yes       yes     -        Cluster admin password

      Files (7)
      path                        size  sha256 (base64)
      --------------------------  ----  --------------------------------------------
      LICENSE                     26    Es+Dchy/6E8dNGcKo2Tkco/h5Wq1bRl7i+gaSpQnxzA=
      META-INF/MANIFEST.MF        664   CncRVCEJykeEQa6x0tmx30TzddjpBGS7jVGaqdY1zVE=
      classes/index.js            56    BJdJCWoyF/Jx3L185+XuNgb439WrgoEJ/4nDY6dJVk4=
      classes/util/helpers.js     20    tA3t3mCCi/YdH62/w7t+ouBCHpUR0i8bX7RK5boH27M=
      driver.yaml                 742   lrWa4GwxhanX7uky45WxerIGqrBlE2UvFvM8BBTOR1o=
      resources/messages/de.json  46    kTz2WghH39D9UE712NprEC7B23v+j7HgfkAFvc1pY9k=
      resources/messages/en.json  280   UOER7JPAttqWsXMavtqOGGgRXBN2m968RTqupPWClJI=
      "
    `);
    const manifest = (await readCarEntries(packed.file)).get('META-INF/MANIFEST.MF')!;
    expect(manifest.toString('utf8').replace(/\r\n/g, '\n')).toMatchInlineSnapshot(`
      "Manifest-Version: 1.0
      Chassis-Driver-Id: com.example.solidfire
      Chassis-Driver-Version: 2.1.0
      Created-By: chassis car

      Name: LICENSE
      SHA-256-Digest: Es+Dchy/6E8dNGcKo2Tkco/h5Wq1bRl7i+gaSpQnxzA=

      Name: classes/index.js
      SHA-256-Digest: BJdJCWoyF/Jx3L185+XuNgb439WrgoEJ/4nDY6dJVk4=

      Name: classes/util/helpers.js
      SHA-256-Digest: tA3t3mCCi/YdH62/w7t+ouBCHpUR0i8bX7RK5boH27M=

      Name: driver.yaml
      SHA-256-Digest: lrWa4GwxhanX7uky45WxerIGqrBlE2UvFvM8BBTOR1o=

      Name: resources/messages/de.json
      SHA-256-Digest: kTz2WghH39D9UE712NprEC7B23v+j7HgfkAFvc1pY9k=

      Name: resources/messages/en.json
      SHA-256-Digest: UOER7JPAttqWsXMavtqOGGgRXBN2m968RTqupPWClJI=

      "
    `);
  });
});

describe('packCar refuses broken projects', () => {
  const cases: Array<[string, ErrorCode, (files: Map<string, Buffer>) => void]> = [
    ['no driver.yaml', 'CHASSIS_E_CAR_DESCRIPTOR_MISSING', (f) => f.delete('driver.yaml')],
    ['no LICENSE', 'CHASSIS_E_CAR_PACK_INVALID', (f) => f.delete('LICENSE')],
    ['no entry module', 'CHASSIS_E_CAR_ENTRY_MISSING', (f) => f.delete('classes/index.js')],
    [
      'schema violations',
      'CHASSIS_E_CAR_DESCRIPTOR_INVALID',
      (f) =>
        f.set('driver.yaml', Buffer.from(SAMPLE_YAML.replace('version: 2.1.0', 'version: two'))),
    ],
    [
      'unparsable messages',
      'CHASSIS_E_CAR_MESSAGES_INVALID',
      (f) => f.set('resources/messages/de.json', Buffer.from('{ nope')),
    ],
  ];
  it.each(cases)('%s → %s', async (name, code, change) => {
    const dir = project(`broken-${name.replace(/\W+/g, '-')}`, change);
    await expect(packCar(dir)).rejects.toMatchObject({ code });
  });

  it('names every missing message key', async () => {
    const dir = project('missing-keys', (f) =>
      f.set('resources/messages/en.json', Buffer.from('{"solidfire.mvip.label": "VIP"}')),
    );
    const err = await packCar(dir).catch((e: unknown) => e);
    expect(ChassisError.is(err, 'CHASSIS_E_CAR_MESSAGES_MISSING')).toBe(true);
    expect((err as ChassisError).details.missing).toEqual([
      'solidfire.mvip.description',
      'solidfire.mport.label',
      'solidfire.password.label',
      'solidfire.password.description',
    ]);
  });

  it('refuses a folder that does not exist', async () => {
    await expect(packCar(path.join(tmp.dir, 'nope'))).rejects.toMatchObject({
      code: 'CHASSIS_E_CAR_NOT_FOUND',
    });
  });
});

describe('packCar --bundle-deps', () => {
  /** A pnpm-style node_modules: symlinks into .pnpm/<name>@<version>/node_modules/<name>. */
  function pnpmPackage(
    root: string,
    name: string,
    version: string,
    deps: Record<string, string> = {},
  ): string {
    const dir = path.join(root, 'node_modules/.pnpm', `${name}@${version}`, 'node_modules', name);
    writeFiles(
      dir,
      new Map([
        ['package.json', JSON.stringify({ name, version, dependencies: deps })],
        ['index.js', `export const version = '${version}';\n`],
        ['node_modules/.ignored', 'never copied'],
      ]),
    );
    return dir;
  }
  function link(target: string, at: string): void {
    mkdirSync(path.dirname(at), { recursive: true });
    symlinkSync(path.relative(path.dirname(at), target), at);
  }

  it('copies production dependencies and theirs into lib/, nesting a conflicting version', async () => {
    const dir = project('bundled');
    writeFiles(
      dir,
      new Map([
        [
          'package.json',
          JSON.stringify({
            dependencies: { alpha: '^1.0.0', beta: '^1.0.0' },
            devDependencies: { gamma: '1' },
          }),
        ],
      ]),
    );
    const alpha = pnpmPackage(dir, 'alpha', '1.0.0', { beta: '^2.0.0', '@scope/delta': '^1.0.0' });
    const beta1 = pnpmPackage(dir, 'beta', '1.0.0');
    const beta2 = pnpmPackage(dir, 'beta', '2.0.0');
    const delta = pnpmPackage(dir, '@scope/delta', '1.0.0');
    const gamma = pnpmPackage(dir, 'gamma', '1.0.0');
    link(alpha, path.join(dir, 'node_modules/alpha'));
    link(beta1, path.join(dir, 'node_modules/beta'));
    link(gamma, path.join(dir, 'node_modules/gamma'));
    const alphaStore = path.join(dir, 'node_modules/.pnpm/alpha@1.0.0/node_modules');
    link(beta2, path.join(alphaStore, 'beta'));
    link(delta, path.join(alphaStore, '@scope/delta'));

    const packed = await packCar(dir, {
      bundleDependencies: true,
      out: path.join(tmp.dir, 'bundled.car'),
    });
    const entries = await readCarEntries(packed.file);
    const lib = [...entries.keys()].filter((p) => p.startsWith('lib/'));
    expect(lib).toEqual([
      'lib/@scope/delta/index.js',
      'lib/@scope/delta/package.json',
      'lib/alpha/index.js',
      'lib/alpha/node_modules/beta/index.js',
      'lib/alpha/node_modules/beta/package.json',
      'lib/alpha/package.json',
      'lib/beta/index.js',
      'lib/beta/package.json',
    ]);
    expect(entries.get('lib/beta/index.js')!.toString()).toContain("'1.0.0'");
    expect(entries.get('lib/alpha/node_modules/beta/index.js')!.toString()).toContain("'2.0.0'");
    // Without the flag nothing is bundled.
    const plain = await packCar(dir, { out: path.join(tmp.dir, 'plain.car') });
    expect([...(await readCarEntries(plain.file)).keys()].some((p) => p.startsWith('lib/'))).toBe(
      false,
    );
  });

  it('refuses a dependency that is not installed', async () => {
    const dir = project('not-installed');
    writeFiles(
      dir,
      new Map([['package.json', JSON.stringify({ dependencies: { missing: '1' } })]]),
    );
    await expect(packCar(dir, { bundleDependencies: true })).rejects.toMatchObject({
      code: 'CHASSIS_E_CAR_PACK_INVALID',
      details: { dependency: 'missing' },
    });
  });
});
