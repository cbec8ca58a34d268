import { DEFAULT_KERNEL_CONFIG, ISOLATION_TIERS, LOG_LEVELS } from './kernel-config.js';

const d = DEFAULT_KERNEL_CONFIG;
const ms = (def: number) => ({ type: 'integer', minimum: 1, maximum: 86_400_000, default: def });
const tier = { type: 'string', enum: [...ISOLATION_TIERS] };
const c = d.confinement;
// Host secrets (`CHASSIS_SECRET_KEY`, `CHASSIS_ADMIN_TOKENS`, ...) can never be allowed through.
const envList = {
  type: 'array',
  maxItems: 256,
  uniqueItems: true,
  items: { type: 'string', pattern: '^(?!CHASSIS_)[A-Za-z_][A-Za-z0-9_]*$', maxLength: 128 },
};
const heapMb = { type: 'integer', minimum: 16, maximum: 65_536 };
const messageBytes = { type: 'integer', minimum: 1024, maximum: 1024 * 1024 * 1024 };
const driverId = { pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', maxLength: 255 };
const permissions = {
  type: 'object',
  additionalProperties: false,
  properties: {
    childProcess: { type: 'boolean' },
    worker: { type: 'boolean' },
    addons: { type: 'boolean' },
    read: {
      type: 'array',
      maxItems: 64,
      items: { type: 'string', pattern: '^/', maxLength: 4096 },
    },
  },
};

/**
 * JSON Schema (draft-07) of the kernel configuration. Unknown keys are errors, so a typo such
 * as `startTimeoutMS` is reported instead of silently falling back to the default. Defaults
 * are filled by the validator (`useDefaults`), nested objects included.
 */
export const KERNEL_CONFIG_SCHEMA = {
  $id: 'https://chassis.dev/schemas/kernel-config.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    categories: {
      type: 'object',
      default: {},
      propertyNames: { pattern: '^[a-z][a-z0-9-]*$', maxLength: 64 },
      additionalProperties: { type: 'number' },
    },
    lifecycle: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        startTimeoutMs: ms(d.lifecycle.startTimeoutMs),
        stopTimeoutMs: ms(d.lifecycle.stopTimeoutMs),
      },
    },
    isolation: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        default: { ...tier, default: d.isolation.default },
        overrides: {
          type: 'object',
          default: {},
          propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', maxLength: 255 },
          additionalProperties: tier,
        },
      },
    },
    executor: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        concurrency: {
          type: 'integer',
          minimum: 1,
          maximum: 1024,
          default: d.executor.concurrency,
        },
        queueLimit: {
          type: 'integer',
          minimum: 1,
          maximum: 1_000_000,
          default: d.executor.queueLimit,
        },
        callTimeoutMs: ms(d.executor.callTimeoutMs),
      },
    },
    log: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: { level: { type: 'string', enum: [...LOG_LEVELS], default: d.log.level } },
    },
    restartLimits: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        maxAttempts: {
          type: 'integer',
          minimum: 0,
          maximum: 1_000_000,
          default: d.restartLimits.maxAttempts,
        },
        healthyAfterMs: ms(d.restartLimits.healthyAfterMs),
      },
    },
    confinement: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        trusted: {
          type: 'array',
          default: [],
          maxItems: 1024,
          items: { type: 'string', pattern: '^(\\*|[A-Za-z0-9][A-Za-z0-9_.-]*)$', maxLength: 255 },
        },
        env: { ...envList, default: [...c.env] },
        heapMb: { ...heapMb, default: c.heapMb },
        maxMessageBytes: { ...messageBytes, default: c.maxMessageBytes },
        output: {
          type: 'object',
          default: {},
          additionalProperties: false,
          properties: {
            linesPerSecond: {
              type: 'integer',
              minimum: 1,
              maximum: 100_000,
              default: c.output.linesPerSecond,
            },
            burst: { type: 'integer', minimum: 1, maximum: 1_000_000, default: c.output.burst },
          },
        },
        drivers: {
          type: 'object',
          default: {},
          propertyNames: driverId,
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: {
              env: envList,
              grants: permissions,
              heapMb,
              maxMessageBytes: messageBytes,
            },
          },
        },
      },
    },
  },
} as const;
