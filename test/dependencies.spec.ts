import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every package's declared dependencies match its imports: production code imports only
 * `dependencies`; test-only code (specs, `__fixtures__`, `bench/`) may also use the package's
 * `devDependencies` and the workspace root's shared test tools; and nothing is declared that
 * no file imports (a workspace devDependency must be imported by a test). Packages and
 * examples alike. A driver project (it has a `driver.yaml`) is not a library: its CAR bundles
 * its `dependencies`, and the contracts it implements are type-only imports, erased when it is
 * compiled, so they are `devDependencies` (as `@types/*` are).
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const rootDev = Object.keys(readJson(join(ROOT, 'package.json')).devDependencies ?? {});
const builtins = new Set(builtinModules);

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly scripts?: Record<string, string>;
}

function readJson(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    // Dot-files are scratch files a test run may leave behind; they are not sources.
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(path));
    else if (/\.(ts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const SPECIFIER =
  /^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"\s]+)['"]|^\s*import\s*['"]([^'"\s]+)['"]|\bimport\(\s*['"]([^'"\s]+)['"]\s*\)/gm;
/** Template literals: driver code that tests write to disk, not imports of this package. */
const TEMPLATE = /`(?:\\[\s\S]|[^`\\])*`/g;

/** The package names a file imports (bare specifiers only, `node:` and builtins excluded). */
export function importedPackages(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.replace(TEMPLATE, '``').matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
    if (!builtins.has(name)) names.add(name);
  }
  return names;
}

/** `code` without its type-only imports and re-exports (`import type …`, `export type … from`). */
export function withoutTypeImports(code: string): string {
  return code.replace(/^\s*(?:import|export)\s+type\b[^;]*?\bfrom\s*['"][^'"\s]+['"]/gm, '');
}

/** Packages a manifest's scripts run from `node_modules/<name>/` (build tools, e.g. the CLI). */
function scriptPackages(manifest: Manifest): Set<string> {
  const names = new Set<string>();
  for (const script of Object.values(manifest.scripts ?? {})) {
    for (const m of script.matchAll(/node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//g))
      names.add(m[1] as string);
  }
  return names;
}

const testOnly = (file: string) =>
  /\.spec\.ts$|\/__fixtures__\/|\/bench\//.test(file) || /\.bench\.ts$/.test(file);

/** Every workspace package but `test/` (the workspace's globs, as paths from the root). */
const packages = ['packages', 'examples', 'examples/drivers'].flatMap((parent) =>
  readdirSync(join(ROOT, parent), { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'drivers')
    .map((e) => `${parent}/${e.name}`),
);

/**
 * devDependencies a package's tests use without importing them: `car`'s scaffold test compiles
 * each generated driver project against the real contract packages, resolved from `car`.
 */
const TEST_FIXTURE_DEPS: Record<string, readonly string[]> = {
  'packages/car': ['@chassis/hypervisor', '@chassis/network', '@chassis/storage'],
};

/**
 * devDependencies that order the build: the example server's build packs the example drivers'
 * built CARs into its repository, so turbo must build them first.
 */
const BUILD_ORDER_DEPS: Record<string, readonly string[]> = {
  'examples/management-server': [
    '@chassis-examples/kvm-hypervisor',
    '@chassis-examples/nvp-network',
    '@chassis-examples/solidfire-storage',
  ],
};

/**
 * Dependencies a package ships as static files rather than imports: admin serves uPlot's browser
 * build to the web UI (resolved with `require.resolve`, which is not an import).
 */
const STATIC_ASSET_DEPS: Record<string, readonly string[]> = {
  'packages/admin': ['uplot'],
};

describe('declared dependencies match the imports', () => {
  it('tells type-only imports apart (a driver project may take them from devDependencies)', () => {
    const code = `import type { A } from 'alpha';\nexport type { B } from 'beta';\nimport { type C, d } from 'gamma';\nimport e from 'delta';`;
    expect([...importedPackages(withoutTypeImports(code))].sort()).toEqual(['delta', 'gamma']);
  });

  it('finds static, type-only, re-export and dynamic imports', () => {
    const code = `import a from 'alpha';\nimport type { B } from '@scope/beta/sub';\nexport * from "gamma";\nconst d = await import('delta');\nimport 'side-effect';\nimport { x } from './local.js';\nimport fs from 'node:fs';\nimport path from 'path';\nconst src = \`import x from 'not-an-import'\`;`;
    expect([...importedPackages(code)].sort()).toEqual(
      ['@scope/beta', 'alpha', 'delta', 'gamma', 'side-effect'].sort(),
    );
  });

  it.each(packages)('%s', (dir) => {
    const manifest = readJson(join(ROOT, dir, 'package.json'));
    const deps = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const dev = new Set(Object.keys(manifest.devDependencies ?? {}));
    const driverProject = existsSync(join(ROOT, dir, 'driver.yaml'));
    const byScripts = scriptPackages(manifest);
    const problems: string[] = [];
    const usedInProd = new Set<string>();
    const usedInTests = new Set<string>();
    for (const file of sources(join(ROOT, dir))) {
      const where = relative(ROOT, file);
      const isTest = testOnly(file);
      const code = readFileSync(file, 'utf8');
      const values = driverProject ? importedPackages(withoutTypeImports(code)) : undefined;
      for (const name of importedPackages(code)) {
        if (name === manifest.name) continue;
        (isTest ? usedInTests : usedInProd).add(name);
        if (deps.has(name)) continue;
        if (isTest && (dev.has(name) || rootDev.includes(name))) continue;
        if (values && !values.has(name) && dev.has(name)) continue;
        problems.push(
          `${where} imports ${name}, which is not in ${isTest ? 'dependencies or devDependencies' : 'dependencies'}`,
        );
      }
    }
    for (const name of deps) {
      if (usedInProd.has(name) || STATIC_ASSET_DEPS[dir]?.includes(name)) continue;
      problems.push(
        usedInTests.has(name)
          ? `${name} is a dependency but only tests import it: make it a devDependency`
          : `${name} is declared in dependencies but nothing imports it`,
      );
    }
    for (const name of dev) {
      if (TEST_FIXTURE_DEPS[dir]?.includes(name) || BUILD_ORDER_DEPS[dir]?.includes(name)) continue;
      if (byScripts.has(name)) continue;
      if (/^@chassis(-examples)?\//.test(name) && !usedInTests.has(name) && !usedInProd.has(name))
        problems.push(`${name} is declared in devDependencies but no test imports it`);
    }
    expect(problems).toEqual([]);
  });
});

/** Workspace packages by the names the README's graph uses (`kernel`, `examples/kernel-demo`). */
function graphName(dir: string): string {
  return dir.startsWith('packages/') ? dir.slice('packages/'.length) : dir;
}

/**
 * The README's package graph: one line per package (or a comma list, or a `dir/*` glob) and the
 * workspace packages it depends on, `nothing` for none. Pure.
 */
export function parseGraph(readme: string): Map<string, Set<string>> {
  const block = /<!-- package-graph -->\s*```text\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no <!-- package-graph --> block');
  const graph = new Map<string, Set<string>>();
  for (const line of block.split('\n').filter((l) => l.trim() !== '')) {
    const [left, right] = line.split('──►').map((x) => x.trim());
    if (!left || right === undefined) throw new Error(`README graph: cannot read "${line}"`);
    const deps = new Set(right === 'nothing' ? [] : right.split(/,\s*/));
    for (const name of left.split(/,\s*/)) graph.set(name, deps);
  }
  return graph;
}

describe("the README's package graph is the workspace's dependencies", () => {
  it('reads names, comma lists and `nothing`', () => {
    const graph = parseGraph(
      '<!-- package-graph -->\n```text\na, b ──► c, d\nc ──► nothing\n```\n',
    );
    expect(Object.fromEntries([...graph].map(([k, v]) => [k, [...v]]))).toEqual({
      a: ['c', 'd'],
      b: ['c', 'd'],
      c: [],
    });
  });

  it('lists every package with exactly its workspace dependencies', () => {
    const graph = parseGraph(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    const names = new Map<string, string>();
    for (const dir of packages) names.set(readJson(join(ROOT, dir, 'package.json')).name, dir);
    const drawn = (dir: string) =>
      graph.get(graphName(dir)) ?? graph.get(`${dir.slice(0, dir.lastIndexOf('/'))}/*`);
    const problems: string[] = [];
    for (const dir of packages) {
      const want = drawn(dir);
      const manifest = readJson(join(ROOT, dir, 'package.json'));
      const have = Object.keys(manifest.dependencies ?? {})
        .filter((n) => names.has(n))
        .map((n) => graphName(names.get(n) as string));
      if (!want) {
        problems.push(`${graphName(dir)} is not in the README's package graph`);
        continue;
      }
      for (const n of have)
        if (!want.has(n)) problems.push(`${graphName(dir)} ──► ${n} is not drawn`);
      for (const n of want)
        if (!have.includes(n)) problems.push(`${graphName(dir)} ──► ${n} is drawn, not declared`);
    }
    expect(problems).toEqual([]);
  });
});
