import path from 'node:path';
import { ChassisError, type DriverDescriptor } from '@chassis/kernel';
import { bundleDependencies } from './bundle.js';
import { parseDescriptor } from './descriptor.js';
import { DESCRIPTOR_PATH, LICENSE_PATH, MANIFEST_PATH } from './layout.js';
import { DEFAULT_CAR_LIMITS } from './limits.js';
import { manifestFor } from './manifest.js';
import {
  assertMessagesComplete,
  type MessageCatalog,
  messageLocale,
  parseMessages,
} from './messages.js';
import { isDirectory, readOptional, readTree } from './project-files.js';
import { writeCar } from './writer.js';

/** Options of {@link packCar}. */
export interface PackOptions {
  /** Output file; defaults to `<dir>/<id>-<version>.car`. */
  readonly out?: string;
  /** Copy the production dependencies of `<dir>/package.json` into `lib/`. */
  readonly bundleDependencies?: boolean;
}

/** What {@link packCar} produced. */
export interface PackResult {
  readonly file: string;
  readonly descriptor: DriverDescriptor;
  /** Hex SHA-256 of the CAR file. */
  readonly sha256: string;
}

/** The folders of a driver project that go into a CAR as they are. */
const CONTENT_DIRS = ['classes', 'resources', 'lib'] as const;

/**
 * Validates a driver project folder and collects the CAR entries it makes, MANIFEST.MF
 * included: `driver.yaml` (schema), `LICENSE`, `classes/` (must contain the entry module),
 * `resources/` (messages must cover every label key), `lib/` and, optionally, bundled
 * dependencies. Other files of the folder (sources, package.json, tests) are not packed.
 */
export async function collectProject(
  dir: string,
  options: Pick<PackOptions, 'bundleDependencies'> = {},
): Promise<{ descriptor: DriverDescriptor; entries: Map<string, Buffer> }> {
  if (!(await isDirectory(dir))) {
    throw new ChassisError(
      'CHASSIS_E_CAR_NOT_FOUND',
      `Driver project folder ${dir} does not exist`,
      {
        details: { dir },
      },
    );
  }
  const yamlBytes = await readOptional(path.join(dir, DESCRIPTOR_PATH));
  if (!yamlBytes) {
    throw new ChassisError(
      'CHASSIS_E_CAR_DESCRIPTOR_MISSING',
      `${dir} has no driver.yaml; run "chassis car init" to scaffold one`,
      {
        details: { dir },
      },
    );
  }
  const source = path.join(dir, DESCRIPTOR_PATH);
  const descriptor = parseDescriptor(
    yamlBytes.toString('utf8'),
    source,
    DEFAULT_CAR_LIMITS.maxDescriptorBytes,
  );
  const license = await readOptional(path.join(dir, LICENSE_PATH));
  if (!license) {
    throw new ChassisError(
      'CHASSIS_E_CAR_PACK_INVALID',
      `${dir} has no LICENSE file; add the license text (${descriptor.license})`,
      {
        details: { dir, missing: LICENSE_PATH },
      },
    );
  }
  const entries = new Map<string, Buffer>([
    [DESCRIPTOR_PATH, yamlBytes],
    [LICENSE_PATH, license],
  ]);
  for (const sub of CONTENT_DIRS) {
    const full = path.join(dir, sub);
    if (await isDirectory(full)) {
      for (const [p, data] of await readTree(full, `${sub}/`)) entries.set(p, data);
    }
  }
  if (options.bundleDependencies) {
    for (const [p, data] of await bundleDependencies(dir)) {
      if (entries.has(p)) {
        throw new ChassisError(
          'CHASSIS_E_CAR_PACK_INVALID',
          `${p} exists in ${dir}/lib and would also be bundled from node_modules`,
          {
            details: { dir, entry: p },
          },
        );
      }
      entries.set(p, data);
    }
  }
  if (!entries.has(descriptor.entry)) {
    throw new ChassisError(
      'CHASSIS_E_CAR_ENTRY_MISSING',
      `${source}: entry "${descriptor.entry}" does not exist in ${dir}; build the driver first`,
      { details: { dir, field: 'entry', entry: descriptor.entry } },
    );
  }
  const messages: MessageCatalog = {};
  for (const [p, data] of entries) {
    const locale = messageLocale(p);
    if (locale)
      messages[locale] = parseMessages(
        data,
        path.join(dir, p),
        DEFAULT_CAR_LIMITS.maxMessagesBytes,
      );
  }
  assertMessagesComplete(descriptor, messages, dir);
  entries.set(MANIFEST_PATH, manifestFor(descriptor.id, descriptor.version, entries));
  return { descriptor, entries };
}

/**
 * Packs a driver project folder into a reproducible, unsigned CAR (see {@link collectProject}
 * for what is checked and collected). The same folder always gives the same bytes.
 */
export async function packCar(dir: string, options: PackOptions = {}): Promise<PackResult> {
  const { descriptor, entries } = await collectProject(dir, options);
  const file = path.resolve(
    options.out ?? path.join(dir, `${descriptor.id}-${descriptor.version}.car`),
  );
  const { sha256 } = await writeCar(entries, file);
  return { file, descriptor, sha256 };
}
