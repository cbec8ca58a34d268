import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { readTree, statIfPresent } from './project-files.js';

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

interface Pending {
  readonly name: string;
  /** Real folder of the package that depends on `name` (resolution starts there). */
  readonly from: string;
  /** CAR folder of that package (`lib/x`), where a conflicting version is nested. */
  readonly parentTarget: string | undefined;
  readonly optional: boolean;
}

/**
 * Copies a project's production dependencies (and theirs, transitively) from its resolved
 * `node_modules` into CAR entries under `lib/`, npm style: each package at `lib/<name>/` when
 * that name is free, nested under its dependent's `node_modules/` when another version holds
 * it. pnpm's symlinks are followed with realpath; `node_modules` inside a package is not copied
 * (its dependencies are resolved and placed like any other).
 */
export async function bundleDependencies(projectDir: string): Promise<Map<string, Buffer>> {
  const pkg = await readPackageJson(path.join(projectDir, 'package.json'), projectDir);
  const root = await fs.realpath(projectDir);
  const queue: Pending[] = depsOf(pkg).map(([name, optional]) => ({
    name,
    from: root,
    parentTarget: undefined,
    optional,
  }));
  const topLevel = new Map<string, string>();
  const placedAt = new Set<string>();
  const out = new Map<string, Buffer>();
  while (queue.length > 0) {
    const next = queue.shift()!;
    const found = await resolvePackage(next.name, next.from);
    if (!found) {
      if (next.optional) continue;
      throw new ChassisError(
        'CHASSIS_E_CAR_PACK_INVALID',
        `Cannot bundle dependency "${next.name}" of ${next.from}: it is not installed; run your package manager's install first`,
        { details: { dir: projectDir, dependency: next.name } },
      );
    }
    const real = await fs.realpath(found);
    let target: string;
    const holder = topLevel.get(next.name);
    if (holder === undefined) {
      topLevel.set(next.name, real);
      target = `lib/${next.name}`;
    } else if (holder === real) {
      continue;
    } else if (next.parentTarget !== undefined) {
      target = `${next.parentTarget}/node_modules/${next.name}`;
    } else {
      continue;
    }
    if (placedAt.has(target)) continue;
    placedAt.add(target);
    for (const [p, data] of await readTree(real, `${target}/`, {
      skipDirs: new Set(['node_modules']),
    })) {
      out.set(p, data);
    }
    const depPkg = await readPackageJson(path.join(real, 'package.json'), real);
    for (const [name, optional] of depsOf(depPkg)) {
      queue.push({ name, from: real, parentTarget: target, optional });
    }
  }
  return out;
}

function depsOf(pkg: PackageJson): Array<[string, boolean]> {
  const required = Object.keys(pkg.dependencies ?? {}).sort();
  const optional = Object.keys(pkg.optionalDependencies ?? {})
    .filter((n) => !required.includes(n))
    .sort();
  return [
    ...required.map((n): [string, boolean] => [n, false]),
    ...optional.map((n): [string, boolean] => [n, true]),
  ];
}

/** Node's lookup: `<dir>/node_modules/<name>` for `dir` and each ancestor not itself `node_modules`. */
async function resolvePackage(name: string, from: string): Promise<string | undefined> {
  let dir = from;
  for (;;) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name);
      const s = await statIfPresent(path.join(candidate, 'package.json'));
      if (s?.isFile()) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function readPackageJson(file: string, dir: string): Promise<PackageJson> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    throw new ChassisError(
      'CHASSIS_E_CAR_PACK_INVALID',
      `${dir} has no package.json to read dependencies from; add one or pack without --bundle-deps`,
      { details: { dir, file }, cause },
    );
  }
  try {
    return JSON.parse(text) as PackageJson;
  } catch (cause) {
    throw new ChassisError('CHASSIS_E_CAR_PACK_INVALID', `${file} is not valid JSON`, {
      details: { dir, file },
      cause,
    });
  }
}
