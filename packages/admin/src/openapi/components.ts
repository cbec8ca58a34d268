import { summarySchemas } from '@chassis/kernel/summaries';
import { json, ref } from './parts.js';
import {
  configureBody,
  createResourceBody,
  errorSchema,
  installBody,
  pinBody,
  restartBody,
  testBody,
  upgradeBody,
} from './schemas.js';

const STR = { type: 'string' } as const;
const CHECK = {
  type: 'object',
  required: ['ok'],
  properties: { ok: { type: 'boolean' }, error: { $ref: '#/components/schemas/Error' } },
} as const;

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
    // Driver and resource summaries: the kernel's schemas themselves (one definition).
    ...summarySchemas,
    Error: errorSchema,
    InstallBody: installBody,
    UpgradeBody: upgradeBody,
    RestartBody: restartBody,
    ConfigureBody: configureBody,
    CreateResourceBody: createResourceBody,
    PinBody: pinBody,
    TestBody: testBody,
    UpgradePlan: {
      type: 'object',
      description: 'What an upgrade with the same body would do; nothing changes',
      required: [
        'driverId',
        'from',
        'to',
        'policy',
        'steps',
        'resources',
        'activeAfter',
        'configuration',
        'contract',
        'signer',
        'ok',
      ],
      properties: {
        driverId: STR,
        from: STR,
        to: STR,
        policy: { type: 'object' },
        steps: {
          type: 'array',
          items: {
            type: 'object',
            required: ['resources', 'healthCheck'],
            properties: {
              resources: { type: 'array', items: STR },
              healthCheck: { type: 'boolean' },
            },
          },
        },
        resources: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'from', 'to'],
            properties: { id: STR, from: STR, to: STR },
          },
        },
        activeAfter: STR,
        configuration: {
          type: 'object',
          required: ['ok', 'invalid'],
          properties: {
            ok: { type: 'boolean' },
            invalid: {
              type: 'array',
              items: {
                type: 'object',
                required: ['resource', 'violations'],
                properties: { resource: STR, violations: { type: 'array' } },
              },
            },
          },
        },
        contract: CHECK,
        signer: {
          type: 'object',
          required: ['from', 'to', 'changed'],
          properties: {
            from: ref('SignatureInfo'),
            to: ref('SignatureInfo'),
            changed: { type: 'boolean' },
          },
        },
        ok: { type: 'boolean' },
      },
    },
    UpgradeRecord: {
      type: 'object',
      required: ['id', 'action', 'driverId', 'principal', 'startedAt', 'result', 'resources'],
      properties: {
        id: { type: 'string' },
        action: { enum: ['install', 'upgrade', 'rollback', 'uninstall'] },
        driverId: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        policy: { type: 'object' },
        principal: STR,
        startedAt: { type: 'string', format: 'date-time' },
        finishedAt: { type: 'string', format: 'date-time' },
        result: { enum: ['running', 'succeeded', 'rolled-back', 'failed', 'interrupted'] },
        error: { $ref: '#/components/schemas/Error' },
        plan: { type: 'object' },
        progress: { type: 'object' },
        recovery: { type: 'object' },
        resources: { type: 'array', items: { type: 'object' } },
      },
    },
  },
} as const;
