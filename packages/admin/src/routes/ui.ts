import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The UI's files live in `<package>/ui/` (shipped in the npm package next to `dist/`); this
 * file sits one folder below `src/` or `dist/`, so the same relative URL works in both.
 */
export const UI_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const typeOf = (file: string): string | undefined => TYPES[file.slice(file.lastIndexOf('.'))];

/**
 * The chart library is a declared dependency of this package, served as a static asset from its
 * own `dist/` (resolved like any import, so a hoisted or nested install both work).
 */
function vendorFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const uplot = join(dirname(require.resolve('uplot/package.json')), 'dist');
  return {
    'uPlot.esm.js': join(uplot, 'uPlot.esm.js'),
    'uPlot.min.css': join(uplot, 'uPlot.min.css'),
  };
}

interface Asset {
  readonly content: Buffer;
  readonly type: string;
}

/** Every servable file: the UI folder (flat: one module per concept) plus the vendor assets. */
function loadAssets(): Map<string, Asset> {
  const paths: Record<string, string> = {};
  for (const name of readdirSync(UI_DIR)) if (typeOf(name)) paths[name] = join(UI_DIR, name);
  Object.assign(paths, vendorFiles());
  const assets = new Map<string, Asset>();
  // Read once at start-up: a missing file is a packaging bug worth failing fast on.
  for (const [name, path] of Object.entries(paths))
    assets.set(name, { content: readFileSync(path), type: typeOf(name) as string });
  return assets;
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

/**
 * Serves the single-page UI (public: it holds no data; every API call needs the token). The
 * files are a fixed set read at start-up, so `:file` can never name anything outside it.
 */
export function registerUiRoutes(app: FastifyInstance): void {
  const assets = loadAssets();
  const send = (asset: Asset, reply: FastifyReply) =>
    reply
      .type(asset.type)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', CSP)
      .send(asset.content);
  app.get('/', { config: { public: true } }, async (_req, reply) =>
    send(assets.get('index.html') as Asset, reply),
  );
  app.get<{ Params: { file: string } }>(
    '/ui/:file',
    { config: { public: true } },
    async (req, reply) => {
      const asset = req.params.file === 'index.html' ? undefined : assets.get(req.params.file);
      if (!asset)
        return reply.status(404).send({
          code: 'CHASSIS_E_ADMIN_NOT_FOUND',
          message: `No UI file ${req.params.file}: open / instead.`,
        });
      return send(asset, reply);
    },
  );
}
