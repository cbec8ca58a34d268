import { components } from './components.js';
import { driverPaths } from './paths-drivers.js';
import { operationPaths } from './paths-operations.js';
import { resourcePaths } from './paths-resources.js';
import { sessionPaths } from './paths-session.js';
import { systemPaths } from './paths-system.js';

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
  paths: { ...systemPaths, ...driverPaths, ...resourcePaths, ...operationPaths, ...sessionPaths },
} as const;
