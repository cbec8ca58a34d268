import { components } from './components.js';
import { catalogPaths } from './paths-catalog.js';
import { clusterPaths } from './paths-cluster.js';
import { driverPaths } from './paths-drivers.js';
import { operationPaths } from './paths-operations.js';
import { resourcePaths } from './paths-resources.js';
import { sessionPaths } from './paths-session.js';
import { systemPaths } from './paths-system.js';

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

type Paths = Record<string, Record<string, Record<string, unknown>>>;

/**
 * A stable `operationId` for every operation that has none: method + path words, e.g.
 * `POST /api/drivers/{id}/upgrade-plan` → `postDriversByIdUpgradePlan`. Client generators name
 * their methods after it.
 */
export function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, '/')
    .split(/[^A-Za-z0-9{}]+/)
    .filter(Boolean)
    .map((w) => (w.startsWith('{') ? `By${cap(w.slice(1, -1))}` : cap(w)));
  return `${method.toLowerCase()}${words.join('')}`;
}

function withOperationIds<P extends Paths>(paths: P): P {
  const out: Paths = {};
  for (const [path, ops] of Object.entries(paths)) {
    out[path] = Object.fromEntries(
      Object.entries(ops).map(([m, op]) => [m, { operationId: operationId(m, path), ...op }]),
    );
  }
  return out as P;
}

/**
 * The OpenAPI 3.1 description of the admin API, served at `/openapi.json`. Request bodies are the
 * very schemas fastify validates with (see `schemas.ts`); a test checks that every registered
 * route is described here.
 */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Chassis admin API',
    version: '1.0.0',
    description:
      'Introspection and administration of a Chassis management server. Every error is `{ code, message, details }` with a stable CHASSIS_E_* code.',
  },
  servers: [{ url: 'http://127.0.0.1:8080' }],
  security: [{ bearer: [] }],
  components,
  // Spread in this order: it is the order of `paths` in the served JSON.
  paths: withOperationIds({
    ...systemPaths,
    ...driverPaths,
    ...resourcePaths,
    ...operationPaths,
    ...catalogPaths,
    ...sessionPaths,
    ...clusterPaths,
  }),
} as const;
