import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/**
 * The UI's files live in `<package>/ui/` (shipped in the npm package next to `dist/`); this
 * file sits one folder below `src/` or `dist/`, so the same relative URL works in both.
 */
export const UI_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));

const FILES = [
  { route: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { route: '/ui/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { route: '/ui/app.css', file: 'app.css', type: 'text/css; charset=utf-8' },
] as const;

/** Serves the single-page UI shell (public: it holds no data; every API call needs the token). */
export function registerUiRoutes(app: FastifyInstance): void {
  for (const { route, file, type } of FILES) {
    // Read once at start-up: a missing file is a packaging bug worth failing fast on.
    const content = readFileSync(`${UI_DIR}${file}`);
    app.get(route, { config: { public: true } }, async (_req, reply) =>
      reply
        .type(type)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header(
          'content-security-policy',
          "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        )
        .send(content),
    );
  }
}
