import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packCar } from '@chassis/car';

/** The example SolidFire driver project (built: `classes/` holds its compiled entry). */
export const SOLIDFIRE_PROJECT = fileURLToPath(
  new URL('../../examples/drivers/solidfire-storage', import.meta.url),
);

/** How a variant of the SolidFire driver misbehaves. */
export type SolidFireFault =
  /** `health()` reports `{ healthy: false }`: an upgrade must roll back after its first batch. */
  | 'unhealthy'
  /** `start()` throws: the version cannot start, so its install fails. */
  | 'start-throws';

/** Options of {@link packSolidFireVariant}. */
export interface SolidFireVariant {
  /** The `version` written into `driver.yaml`. */
  readonly version: string;
  readonly fault?: SolidFireFault;
}

/** The replacement of the driver's lifecycle hook that each fault needs (checked to apply). */
const PATCHES: Record<SolidFireFault, { readonly find: RegExp; readonly replace: string }> = {
  unhealthy: {
    find: /health\(\) \{/,
    replace:
      "health() {\n        return { healthy: false, detail: 'injected by the black-box test: cluster unreachable' };",
  },
  'start-throws': {
    find: /start\(ctx\) \{/,
    replace:
      "start(ctx) {\n        throw new Error('injected by the black-box test: start refused');",
  },
};

/**
 * Packs a copy of the example SolidFire driver as `version` (optionally with a fault injected
 * into its compiled entry) into `<workDir>/com.example.solidfire-<version>.car`, with its npm
 * dependency bundled into `lib/` as the build does (`packCar(dir, { bundleDependencies: true })`).
 * The copy's `node_modules` is a link to the project's, so dependencies resolve as they do
 * for the original. Returns the CAR's path.
 */
export async function packSolidFireVariant(
  workDir: string,
  variant: SolidFireVariant,
): Promise<string> {
  const dir = join(workDir, `solidfire-${variant.version}`);
  await mkdir(dir, { recursive: true });
  for (const entry of ['driver.yaml', 'LICENSE', 'package.json', 'classes', 'resources']) {
    await cp(join(SOLIDFIRE_PROJECT, entry), join(dir, entry), { recursive: true });
  }
  await symlink(join(SOLIDFIRE_PROJECT, 'node_modules'), join(dir, 'node_modules'), 'dir');

  const yamlFile = join(dir, 'driver.yaml');
  const yaml = await readFile(yamlFile, 'utf8');
  const bumped = yaml.replace(/^version: .*$/m, `version: ${variant.version}`);
  if (bumped === yaml) throw new Error(`${yamlFile} has no top-level "version:" line to bump`);
  await writeFile(yamlFile, bumped);

  if (variant.fault) {
    const entryFile = join(dir, 'classes', 'index.js');
    const code = await readFile(entryFile, 'utf8');
    const patch = PATCHES[variant.fault];
    if (!patch.find.test(code)) {
      throw new Error(`${entryFile}: cannot inject "${variant.fault}" (no ${patch.find} found)`);
    }
    await writeFile(entryFile, code.replace(patch.find, patch.replace));
  }

  const out = join(workDir, `com.example.solidfire-${variant.version}.car`);
  const packed = await packCar(dir, { out, bundleDependencies: true });
  if (packed.descriptor.version !== variant.version) {
    throw new Error(`packed ${packed.descriptor.version}, expected ${variant.version}`);
  }
  return packed.file;
}
