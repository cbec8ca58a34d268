import { json, ref } from './parts.js';
import {
  configureBody,
  createResourceBody,
  errorSchema,
  installBody,
  restartBody,
  upgradeBody,
} from './schemas.js';

/** `components` of the OpenAPI document: security schemes, the error response, schemas. */
export const components = {
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
        result: { enum: ['running', 'succeeded', 'rolled-back', 'failed', 'interrupted'] },
        plan: { type: 'object' },
        progress: { type: 'object' },
        recovery: { type: 'object' },
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
} as const;
