import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IsolationTier } from '@chassis/kernel';

/** What a test driver looks like on disk (an extracted CAR). */
export interface FixtureDriver {
  readonly id: string;
  readonly version?: string;
  readonly isolation?: IsolationTier;
  /** Source of `classes/index.js` (ESM). */
  readonly code: string;
  /** Folders copied into `lib/<name>` (e.g. a real lodash). */
  readonly lib?: Readonly<Record<string, string>>;
  readonly messages?: Readonly<Record<string, Record<string, string>>>;
  /** The `permissions:` block of `driver.yaml`. */
  readonly permissions?: Readonly<Record<string, unknown>>;
  /** Extra files, path → content. */
  readonly files?: Readonly<Record<string, string>>;
}

/** A temporary root under the OS temp dir (no node_modules above it), removed by `cleanup`. */
export async function tempRoot(prefix = 'chassis-loader-'): Promise<{
  dir: string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes an extracted-CAR directory for `d` under `root` and returns its path. */
export async function writeDriver(root: string, d: FixtureDriver): Promise<string> {
  const dir = join(root, `${d.id}-${d.version ?? '1.0.0'}`);
  await mkdir(join(dir, 'classes'), { recursive: true });
  await mkdir(join(dir, 'resources', 'messages'), { recursive: true });
  await mkdir(join(dir, 'META-INF'), { recursive: true });
  // JSON is YAML: the descriptor stays readable by the real parser.
  const descriptor = {
    id: d.id,
    name: `Test driver ${d.id}`,
    version: d.version ?? '1.0.0',
    vendor: 'Example Inc.',
    license: 'Apache-2.0',
    category: 'storage',
    entry: 'classes/index.js',
    engines: { chassis: '^1.0.0' },
    ...(d.isolation ? { isolation: d.isolation } : {}),
    ...(d.permissions ? { permissions: d.permissions } : {}),
    provides: [{ point: 'test.echo', version: '^1.0.0' }],
  };
  await writeFile(join(dir, 'driver.yaml'), `${JSON.stringify(descriptor, null, 2)}\n`);
  await writeFile(join(dir, 'classes', 'index.js'), d.code);
  await writeFile(join(dir, 'LICENSE'), 'Apache-2.0\n');
  for (const [locale, msgs] of Object.entries(d.messages ?? { en: {} })) {
    await writeFile(join(dir, 'resources', 'messages', `${locale}.json`), JSON.stringify(msgs));
  }
  for (const [name, src] of Object.entries(d.lib ?? {})) {
    await cp(src, join(dir, 'lib', name), { recursive: true });
  }
  for (const [path, content] of Object.entries(d.files ?? {})) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** A driver that echoes and exposes what it sees (context, lodash version, ...). */
export const ECHO_DRIVER = `
export default {
  async start(ctx) { ctx.logger.info({ phase: 'start' }, 'started'); },
  provides: {
    'test.echo': {
      echo(ctx, value) { return value; },
      context(ctx) {
        ctx.logger.info({ op: 'context' }, 'context called');
        return {
          properties: ctx.properties,
          frozen: Object.isFrozen(ctx.properties),
          resource: ctx.resource,
          aborted: ctx.signal.aborted,
          label: ctx.t('hello', { name: 'Ada' }),
          missing: ctx.t('no.such.key'),
          driver: ctx.driver,
        };
      },
      fail(ctx, message) { throw new TypeError(message); },
      failCoded(ctx) {
        const e = new Error('coded');
        e.code = 'CHASSIS_E_RESOURCE_NOT_FOUND';
        throw e;
      },
      waitForAbort(ctx) {
        return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('aborted')));
      },
      hang() { return new Promise(() => {}); },
      spin() { for (;;) {} },
      exit() { setTimeout(() => process.exit(3), 5); return 'bye'; },
      reject() { setTimeout(() => Promise.reject(new Error('nobody catches me')), 5); return 'ok'; },
      oom() {
        const hog = [];
        for (;;) hog.push(new Array(1e5).fill({ x: Math.random() }));
      },
      notCloneable() { return { fn() {} }; },
      logOdd(ctx) {
        ctx.logger.warn({ fn() {}, err: new RangeError('odd'), n: 1 }, 'odd fields');
        return 'logged';
      },
    },
  },
};
`;
