import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { parseDescriptor } from './descriptor.js';
import { scaffoldFiles } from './init-templates.js';

/** Options of {@link initDriverProject}. */
export interface InitOptions {
  /** Reverse-DNS driver id, e.g. `com.example.flashy`. */
  readonly id: string;
  readonly name?: string;
  readonly vendor?: string;
  readonly category: 'network' | 'storage' | 'hypervisor';
  /** Extension point to implement; defaults to the category's main one. */
  readonly point?: string;
  /** Range of the `@chassis/*` devDependencies; default `^` this package's own version. */
  readonly chassisRange?: string;
}

/** This package's version: a scaffold depends on the Chassis release that made it. */
const OWN_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** The main extension point of each built-in category. */
export const DEFAULT_POINTS = {
  network: 'network.device',
  storage: 'storage.primary',
  hypervisor: 'hypervisor',
} as const;

/**
 * Scaffolds a driver project in `dir` (which must not exist or be empty): package.json (the
 * Chassis CLI, kernel and contract as devDependencies), tsconfig.json (type-checks sources and
 * specs) and tsconfig.build.json (compiles `src/` to `classes/`), driver.yaml with realistic
 * properties, LICENSE, en and fr messages, every operation of the extension point typed after
 * its contract, a unit test through `@chassis/kernel/testing`, and a vendor README. The descriptor it writes is
 * validated before anything is written; `CHASSIS_E_CAR_INIT_EXISTS` when `dir` has files.
 */
export async function initDriverProject(dir: string, options: InitOptions): Promise<void> {
  const files = scaffoldFiles({
    id: options.id,
    name: options.name ?? defaultName(options.id),
    vendor: options.vendor ?? 'Example Vendor',
    category: options.category,
    point: options.point ?? DEFAULT_POINTS[options.category],
    chassisRange: options.chassisRange ?? `^${OWN_VERSION}`,
  });
  parseDescriptor(files.get('driver.yaml')!, 'driver.yaml (scaffold)');
  const existing = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  if (existing.length > 0) {
    throw new ChassisError(
      'CHASSIS_E_CAR_INIT_EXISTS',
      `${dir} is not empty; scaffold into a new folder`,
      {
        details: { dir, entries: existing.slice(0, 10) },
      },
    );
  }
  for (const [rel, text] of files) {
    const full = path.join(dir, rel);
    await fs.mkdir(path.dirname(full), { recursive: true });
    await fs.writeFile(full, text, { flag: 'wx' });
  }
}

function defaultName(id: string): string {
  const last = id.split('.').pop() ?? id;
  return `${last.charAt(0).toUpperCase()}${last.slice(1)} driver`;
}
