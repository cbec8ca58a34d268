import {
  configureBody,
  createResourceBody,
  errorSchema,
  installBody,
  restartBody,
  upgradeBody,
} from './schemas.js';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ok = (description: string, schema: object = { type: 'object' }) => ({
  description,
  ...json(schema),
});
const errors = {
  '400': { $ref: '#/components/responses/Error' },
  '401': { $ref: '#/components/responses/Error' },
  '403': { $ref: '#/components/responses/Error' },
  '404': { $ref: '#/components/responses/Error' },
  default: { $ref: '#/components/responses/Error' },
};
const idParam = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `${what} id`,
  schema: { type: 'string' },
});
const localeParam = {
  name: 'locale',
  in: 'query',
  description: 'Locale of labels (falls back to the base language, then en)',
  schema: { type: 'string' },
};
const driverFilter = { name: 'driverId', in: 'query', schema: { type: 'string' } };
const pub = { security: [] };

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
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description: 'Admin token (generated at first start, or configured)',
      },
      queryToken: {
        type: 'apiKey',
        in: 'query',
        name: 'token',
        description: 'Only on /events (EventSource cannot send headers)',
      },
    },
    responses: { Error: { description: 'An error', ...json(ref('Error')) } },
    schemas: {
      Error: errorSchema,
      InstallBody: installBody,
      UpgradeBody: upgradeBody,
      RestartBody: restartBody,
      ConfigureBody: configureBody,
      CreateResourceBody: createResourceBody,
      UpgradeRecord: {
        type: 'object',
        required: ['id', 'action', 'driverId', 'principal', 'startedAt', 'result', 'resources'],
        properties: {
          id: { type: 'string' },
          action: { enum: ['install', 'upgrade', 'rollback', 'uninstall'] },
          driverId: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          result: { enum: ['running', 'succeeded', 'rolled-back', 'failed'] },
          resources: { type: 'array', items: { type: 'object' } },
        },
      },
      DriverSummary: {
        type: 'object',
        required: ['id', 'name', 'vendor', 'category', 'versions', 'provides', 'requires'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          vendor: { type: 'string' },
          category: { type: 'string' },
          activeVersion: { type: 'string' },
          state: { type: 'string' },
          tier: { enum: ['in-process', 'worker', 'process'] },
          signature: { type: 'object' },
          versions: { type: 'array', items: { type: 'object' } },
          update: { type: 'object' },
        },
      },
      ResourceInfo: {
        type: 'object',
        required: ['resource', 'binding', 'configuration', 'state', 'queued'],
        properties: {
          resource: { type: 'object' },
          binding: {
            type: 'object',
            properties: { driverId: { type: 'string' }, version: { type: 'string' } },
          },
          configuration: { type: 'object', description: 'Secrets are masked' },
          state: { enum: ['active', 'suspended', 'closed'] },
          queued: { type: 'integer' },
        },
      },
    },
  },
  paths: {
    '/': {
      get: { summary: 'Web UI page shell', ...pub, responses: { '200': { description: 'HTML' } } },
    },
    '/ui/app.js': {
      get: {
        summary: 'Web UI script',
        ...pub,
        responses: { '200': { description: 'JavaScript module' } },
      },
    },
    '/ui/app.css': {
      get: { summary: 'Web UI styles', ...pub, responses: { '200': { description: 'CSS' } } },
    },
    '/healthz': { get: { summary: 'Liveness', ...pub, responses: { '200': ok('ok') } } },
    '/openapi.json': {
      get: { summary: 'This document', responses: { '200': ok('OpenAPI 3.1'), ...errors } },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        responses: {
          '200': {
            description: 'text exposition format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...errors,
        },
      },
    },
    '/events': {
      get: {
        summary: 'Server-sent events: lifecycle, upgrade, updates',
        security: [{ bearer: [] }, { queryToken: [] }],
        parameters: [
          { name: 'token', in: 'query', schema: { type: 'string' } },
          {
            name: 'types',
            in: 'query',
            description: 'Comma-separated subset of lifecycle,upgrade,updates',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description: 'event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errors,
        },
      },
    },
    '/api/drivers': {
      get: {
        summary: 'Installed drivers',
        responses: {
          '200': ok('drivers', { type: 'array', items: ref('DriverSummary') }),
          ...errors,
        },
      },
      post: {
        summary:
          'Install a driver from the repository (JSON) or from an uploaded CAR (octet-stream)',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: ref('InstallBody') },
            'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
          },
        },
        responses: {
          '201': ok('install record', ref('UpgradeRecord')),
          '413': { $ref: '#/components/responses/Error' },
          ...errors,
        },
      },
    },
    '/api/drivers/{id}': {
      get: {
        summary: 'Driver detail with rendered configuration forms',
        parameters: [idParam('Driver'), localeParam],
        responses: { '200': ok('driver'), ...errors },
      },
      delete: {
        summary: 'Uninstall a driver (or one version)',
        parameters: [
          idParam('Driver'),
          { name: 'version', in: 'query', schema: { type: 'string' } },
          { name: 'force', in: 'query', schema: { type: 'boolean' } },
        ],
        responses: { '200': ok('uninstall record', ref('UpgradeRecord')), ...errors },
      },
    },
    '/api/drivers/{id}/lifecycle': {
      get: {
        summary: 'Lifecycle history',
        parameters: [idParam('Driver')],
        responses: { '200': ok('events', { type: 'array', items: { type: 'object' } }), ...errors },
      },
    },
    '/api/drivers/{id}/upgrade': {
      post: {
        summary: 'Upgrade with a rollout policy',
        parameters: [idParam('Driver')],
        requestBody: json(ref('UpgradeBody')),
        responses: { '200': ok('upgrade record', ref('UpgradeRecord')), ...errors },
      },
    },
    '/api/drivers/{id}/rollback': {
      post: {
        summary: 'Roll back to the previous version',
        parameters: [idParam('Driver')],
        responses: { '200': ok('rollback record', ref('UpgradeRecord')), ...errors },
      },
    },
    '/api/drivers/{id}/restart': {
      post: {
        summary: 'Restart a Failed driver version',
        parameters: [idParam('Driver')],
        requestBody: json(ref('RestartBody')),
        responses: { '200': ok('driver'), ...errors },
      },
    },
    '/api/resources': {
      get: {
        summary: 'Resources and their bound versions',
        parameters: [driverFilter],
        responses: {
          '200': ok('resources', { type: 'array', items: ref('ResourceInfo') }),
          ...errors,
        },
      },
      post: {
        summary: 'Create a resource',
        requestBody: { required: true, ...json(ref('CreateResourceBody')) },
        responses: { '201': ok('resource', ref('ResourceInfo')), ...errors },
      },
    },
    '/api/resources/{id}': {
      get: {
        summary: 'Resource with masked configuration and form',
        parameters: [idParam('Resource'), localeParam],
        responses: { '200': ok('resource'), ...errors },
      },
    },
    '/api/resources/{id}/configuration': {
      put: {
        summary:
          'Change a configuration (validated; every violation returned as CHASSIS_E_PROPS_INVALID details.violations)',
        parameters: [idParam('Resource')],
        requestBody: { required: true, ...json(ref('ConfigureBody')) },
        responses: {
          '200': ok('resource', ref('ResourceInfo')),
          '422': { $ref: '#/components/responses/Error' },
          ...errors,
        },
      },
    },
    '/api/metrics/executors': {
      get: {
        summary: 'Executor metrics',
        responses: {
          '200': ok('metrics', { type: 'array', items: { type: 'object' } }),
          ...errors,
        },
      },
    },
    '/api/updates': {
      get: {
        summary: 'Available updates',
        responses: {
          '200': ok('notices', { type: 'array', items: { type: 'object' } }),
          ...errors,
        },
      },
    },
    '/api/updates/check': {
      post: {
        summary: 'Refresh repository metadata now',
        responses: {
          '200': ok('notices', { type: 'array', items: { type: 'object' } }),
          ...errors,
        },
      },
    },
    '/api/upgrades': {
      get: {
        summary: 'Upgrade history',
        parameters: [driverFilter],
        responses: {
          '200': ok('records', { type: 'array', items: ref('UpgradeRecord') }),
          ...errors,
        },
      },
    },
    '/api/audit': {
      get: {
        summary: 'Audit trail (admins only)',
        responses: {
          '200': ok('entries', { type: 'array', items: { type: 'object' } }),
          ...errors,
        },
      },
    },
  },
} as const;
