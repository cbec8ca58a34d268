import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packCar } from '@chassis/car';

/** What a generated test driver looks like. */
export interface FixtureDriver {
  readonly id: string;
  readonly version: string;
  readonly category?: 'storage' | 'network' | 'hypervisor';
  readonly point?: string;
  readonly isolation?: 'in-process' | 'worker' | 'process';
  /** Body of `classes/index.js`; default: a storage driver whose `whoami` returns its version. */
  readonly source?: string;
  readonly requires?: readonly { id: string; version: string }[];
  /** More `properties:` entries (YAML flow maps), e.g. a property a newer version adds. */
  readonly extraProperties?: readonly string[];
  /** More files of the project (path → content), e.g. a payload under `classes/`. */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
}

/** A default driver module: `whoami` returns the version, `echo` returns its arguments and the pool's mVip. */
export function defaultDriverSource(version: string, point = 'storage.primary'): string {
  return `export default {
  provides: {
    ${JSON.stringify(point)}: {
      whoami: () => ${JSON.stringify(version)},
      echo: (ctx, ...args) => ({ args, mVip: ctx.properties.mVip, zone: ctx.properties.zone, resource: ctx.resource.id, label: ctx.t('fx.mvip.label') }),
    },
  },
};
`;
}

/**
 * Writes a driver project for tests (driver.yaml with a small property descriptor, messages,
 * LICENSE, classes/index.js) and packs it into a CAR in `outDir`. Returns the CAR path.
 */
export async function buildFixtureCar(outDir: string, d: FixtureDriver): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chassis-fixture-'));
  const point = d.point ?? 'storage.primary';
  await mkdir(join(dir, 'classes'), { recursive: true });
  await mkdir(join(dir, 'resources/messages'), { recursive: true });
  const yaml = [
    `id: ${d.id}`,
    `name: Fixture ${d.id}`,
    `version: ${d.version}`,
    'vendor: Example Storage Inc.',
    'license: Apache-2.0',
    `category: ${d.category ?? 'storage'}`,
    'entry: classes/index.js',
    'engines: { chassis: "^1.0.0" }',
    `isolation: ${d.isolation ?? 'in-process'}`,
    'provides:',
    `  - point: ${point}`,
    '    version: "^1.0.0"',
    `requires: ${JSON.stringify(d.requires ?? [])}`,
    'properties:',
    '  - { key: mVip, labelKey: fx.mvip.label, type: string, required: true, maxLength: 15 }',
    '  - { key: mPort, labelKey: fx.mport.label, type: number, default: 443 }',
    '  - { key: password, labelKey: fx.password.label, type: string, required: true, secret: true }',
    ...(d.extraProperties ?? []).map((p) => `  - ${p}`),
    '',
  ].join('\n');
  await writeFile(join(dir, 'driver.yaml'), yaml);
  await writeFile(join(dir, 'LICENSE'), 'Apache-2.0\n');
  await writeFile(
    join(dir, 'resources/messages/en.json'),
    JSON.stringify({
      'fx.mvip.label': 'Management VIP',
      'fx.mport.label': 'Management port',
      'fx.password.label': 'Password',
    }),
  );
  await writeFile(join(dir, 'classes/index.js'), d.source ?? defaultDriverSource(d.version, point));
  for (const [path, content] of Object.entries(d.files ?? {})) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await mkdir(outDir, { recursive: true });
  try {
    return (await packCar(dir, { out: join(outDir, `${d.id}-${d.version}.car`) })).file;
  } finally {
    // The project was only the CAR's input (a benchmark's can be megabytes).
    await rm(dir, { recursive: true, force: true });
  }
}
