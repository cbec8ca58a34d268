import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { DriverDescriptor, PropertyBag } from '@chassis/kernel';
import { ChassisError } from '@chassis/kernel/errors';
import { car } from './lazy.js';

/**
 * The version a dev build of `base` gets: a pre-release that sorts above every earlier dev
 * build (`0.1.0` → `0.1.0-dev.3`; `1.0.0-beta.1` → `1.0.0-beta.1.dev.3`), so each rebuild is a
 * new version the upgrade path accepts. Build metadata is dropped: it does not order versions.
 * Pure.
 */
export function devVersion(base: string, build: number): string {
  const plain = base.split('+')[0] ?? base;
  return plain.includes('-') ? `${plain}.dev.${build}` : `${plain}-dev.${build}`;
}

/**
 * `driver.yaml` text with its top-level `version:` set to `version` (quotes and a trailing
 * comment kept). Pure; throws when there is no such line (the caller validates the result).
 */
export function withVersion(yaml: string, version: string): string {
  const line = /^version:[ \t]*(["']?)[^"'\s#]+\1/m;
  if (!line.test(yaml)) {
    throw new ChassisError(
      'CHASSIS_E_CAR_DESCRIPTOR_INVALID',
      'driver.yaml has no top-level "version:" line that chassis dev can set for a dev build',
      { details: { field: 'version' } },
    );
  }
  return yaml.replace(line, (_m, q: string) => `version: ${q}${version}${q}`);
}

/** Reads and validates `<dir>/driver.yaml`. */
export async function readProjectDescriptor(dir: string): Promise<DriverDescriptor> {
  const file = join(dir, 'driver.yaml');
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT')
      throw new ChassisError(
        'CHASSIS_E_CAR_DESCRIPTOR_MISSING',
        `${dir} has no driver.yaml; run chassis dev in a driver project (chassis car init makes one)`,
        { details: { dir } },
      );
    throw err;
  });
  return (await car()).parseDescriptor(text, file);
}

/**
 * The resource configuration in `file`, validated against the descriptor's properties: one
 * `CHASSIS_E_PROPS_INVALID` lists every violation (`details.violations`), secrets never shown.
 * Labels come from the project's `resources/messages/en.json`. A missing file or bad JSON is `CHASSIS_E_DEV_PROPERTIES_UNREADABLE`.
 */
export async function readDevProperties(
  file: string,
  descriptor: DriverDescriptor,
  projectDir: string,
): Promise<{ readonly raw: Record<string, unknown>; readonly bag: PropertyBag }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ChassisError(
      'CHASSIS_E_DEV_PROPERTIES_UNREADABLE',
      code === 'ENOENT'
        ? `The properties file ${file} does not exist; write the resource's configuration there as a JSON object (or pass --properties <file>)`
        : `Cannot read the properties file ${file} (${code ?? String(err)})`,
      { details: { file, ...(code ? { errno: code } : {}) }, cause: err },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ChassisError(
      'CHASSIS_E_DEV_PROPERTIES_UNREADABLE',
      `The properties file ${file} is not valid JSON: ${(err as Error).message}`,
      { details: { file }, cause: err },
    );
  }
  const { validateProperties } = await import('@chassis/kernel');
  const en = await readFile(join(projectDir, 'resources', 'messages', 'en.json'), 'utf8').then(
    (t) => ({ en: JSON.parse(t) as Record<string, string> }),
    // No message file next to it: violations name the keys instead of the labels.
    () => undefined,
  );
  // Not an object: validateProperties reports it as its one violation.
  const bag = validateProperties(descriptor.properties ?? [], raw, {
    driver: descriptor.id,
    ...(en ? { messages: en } : {}),
  });
  return { raw: raw as Record<string, unknown>, bag };
}

/** The project's build command: `scripts.build` of its package.json, if any. */
export async function projectBuildCommand(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, 'package.json'), 'utf8').catch(
    (err: NodeJS.ErrnoException) => {
      // No package.json: a plain project builds nothing (classes/ is written by hand).
      if (err.code === 'ENOENT') return undefined;
      throw err;
    },
  );
  if (text === undefined) return undefined;
  const pkg = JSON.parse(text) as { scripts?: Record<string, string> };
  return pkg.scripts?.build;
}

/**
 * Runs `command` in `dir` through the shell, as `npm run` does (with `node_modules/.bin` on the
 * PATH; no pre/post scripts). Returns its output; a non-zero exit is `CHASSIS_E_DEV_BUILD_FAILED`
 * carrying the output's tail.
 */
export function runBuild(dir: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      cwd: dir,
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PATH: `${join(dir, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
      },
    });
    let out = '';
    const keep = (d: Buffer) => {
      out = (out + d.toString('utf8')).slice(-16_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(out);
      const tail = out.trimEnd().split('\n').slice(-40).join('\n');
      reject(
        new ChassisError(
          'CHASSIS_E_DEV_BUILD_FAILED',
          `The build command "${command}" in ${dir} ${signal ? `was killed (${signal})` : `exited with ${code}`}${tail ? `:\n${tail}` : ''}`,
          { details: { dir, command, exitCode: code, signal, output: tail } },
        ),
      );
    });
  });
}

/** What {@link packDevCar} wrote. */
export interface DevCar {
  readonly file: string;
  readonly descriptor: DriverDescriptor;
}

/**
 * Packs the project as an unsigned CAR whose version is {@link devVersion} of the descriptor's:
 * the same checks and entries as `chassis car pack` (dependencies bundled when package.json
 * declares some), with driver.yaml and MANIFEST.MF rewritten for the dev version. Only the
 * throwaway dev server, whose trust policy allows this driver unsigned, accepts it.
 */
export async function packDevCar(dir: string, outDir: string, build: number): Promise<DevCar> {
  const c = await car();
  const pkg: { dependencies?: Record<string, string> } = await readFile(
    join(dir, 'package.json'),
    'utf8',
  ).then(
    (t) => JSON.parse(t),
    (err: NodeJS.ErrnoException) => {
      // No package.json: nothing to bundle.
      if (err.code === 'ENOENT') return {};
      throw err;
    },
  );
  const bundle = Object.keys(pkg.dependencies ?? {}).length > 0;
  const { descriptor, entries } = await c.collectProject(dir, { bundleDependencies: bundle });
  const version = devVersion(descriptor.version, build);
  const yaml = withVersion(entries.get(c.DESCRIPTOR_PATH)!.toString('utf8'), version);
  const dev = c.parseDescriptor(yaml, join(dir, 'driver.yaml'));
  entries.set(c.DESCRIPTOR_PATH, Buffer.from(yaml, 'utf8'));
  entries.delete(c.MANIFEST_PATH);
  entries.set(c.MANIFEST_PATH, c.manifestFor(dev.id, dev.version, entries));
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `${dev.id}-${dev.version}.car`);
  await c.writeCar(entries, file);
  return { file, descriptor: dev };
}
