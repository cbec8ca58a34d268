import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packCar } from '@chassis/car';
import { signCar } from '@chassis/repository';
import { chassis } from './chassis-cli.js';

/** Driver id of the journaling storage driver. */
export const JOURNAL_DRIVER = 'com.example.journal';

/** One line of the journal: one run of `stats` by one member process. */
export interface JournalEntry {
  readonly resource: string;
  /** The caller's tag (unique per operation in these tests). */
  readonly tag: string;
  /** The driver version that ran it. */
  readonly version: string;
  /** The process that ran it: the member (the driver runs in-process). */
  readonly pid: number;
}

/**
 * The driver's entry: a `storage.primary` driver whose `stats(tag)` appends one JSON line
 * (resource, tag, its version, its process) to the file named by the resource's `journal`
 * property and returns the same entry, so a test sees every run of an operation, on which
 * member and version it ran, and in which order. `O_APPEND` writes of one short line from
 * several processes do not interleave. `healthy: false` makes the health check fail (a
 * canary that must roll back).
 */
function source(version: string, healthy: boolean): string {
  return `import { appendFileSync } from 'node:fs';
const VERSION = ${JSON.stringify(version)};
export default {
  provides: {
    'storage.primary': {
      stats(ctx, tag) {
        const entry = { resource: ctx.resource.id, tag, version: VERSION, pid: process.pid };
        appendFileSync(ctx.properties.journal, JSON.stringify(entry) + '\\n');
        return { ...entry, capacityBytes: 1024, usedBytes: 0 };
      },
      capabilities: () => ({ snapshots: false, version: VERSION }),
    },
  },
  health: () =>
    ${healthy ? '({ healthy: true })' : "({ healthy: false, detail: 'injected by the black-box test: array degraded' })"},
};
`;
}

const YAML = (version: string) =>
  [
    `id: ${JOURNAL_DRIVER}`,
    'name: Journaling test storage',
    `version: ${version}`,
    'vendor: Example Storage Inc.',
    'license: Apache-2.0',
    'category: storage',
    'entry: classes/index.js',
    'engines: { chassis: "^1.0.0" }',
    'isolation: in-process',
    'provides:',
    '  - point: storage.primary',
    '    version: "^1.0.0"',
    'requires: []',
    'properties:',
    '  - { key: journal, labelKey: journal.label, type: string, required: true, maxLength: 4096 }',
    '',
  ].join('\n');

/** A vendor key and certificate issued by a fresh project CA (`chassis ca init` / `ca issue`). */
export interface Vendor {
  readonly caFile: string;
  readonly key: string;
  readonly cert: string;
}

/** `chassis ca init` + `chassis ca issue` for Example Storage Inc. (`com.example.`). */
export async function makeVendor(dir: string): Promise<Vendor> {
  const ok = async (args: string[]) => {
    const r = await chassis(args, { timeoutMs: 45_000 });
    if (r.code !== 0) throw new Error(`chassis ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    return r;
  };
  await ok(['ca', 'init', join(dir, 'ca')]);
  const out = join(dir, 'example');
  await ok([
    'ca',
    'issue',
    '--ca',
    join(dir, 'ca'),
    '--vendor',
    'Example Storage Inc.',
    '--id-prefix',
    'com.example.',
    '--out',
    out,
  ]);
  return { caFile: join(dir, 'ca', 'ca.pem'), key: `${out}.key`, cert: `${out}.pem` };
}

/**
 * Packs version `version` of the journaling driver and signs it as the vendor would (the
 * function behind `chassis car sign`). Returns the CAR's path.
 */
export async function journalCar(
  dir: string,
  vendor: Vendor,
  version: string,
  options: { readonly healthy?: boolean } = {},
): Promise<string> {
  const project = join(dir, `journal-${version}`);
  await mkdir(join(project, 'classes'), { recursive: true });
  await mkdir(join(project, 'resources/messages'), { recursive: true });
  await writeFile(join(project, 'driver.yaml'), YAML(version));
  await writeFile(join(project, 'LICENSE'), 'Apache-2.0\n');
  await writeFile(
    join(project, 'resources/messages/en.json'),
    JSON.stringify({ 'journal.label': 'Journal file' }),
  );
  await writeFile(join(project, 'classes/index.js'), source(version, options.healthy !== false));
  const out = join(dir, `${JOURNAL_DRIVER}-${version}.car`);
  await packCar(project, { out });
  // What `chassis car sign` runs, without a CLI process per CAR.
  await signCar(out, {
    keyPem: await readFile(vendor.key, 'utf8'),
    certPem: await readFile(vendor.cert, 'utf8'),
  });
  return out;
}

/** Every entry of a journal so far (none when the file does not exist yet). */
export async function readJournal(file: string): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalEntry);
}
