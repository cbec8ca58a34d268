/*
 * JSON Schemas of the request bodies and parameters: fastify validates requests with them
 * (ajv, all errors, no coercion of bodies) and the OpenAPI document embeds the same objects.
 */
import { RolloutPolicySchema } from '@chassis/kernel/summaries';

const DRIVER_ID = { type: 'string', minLength: 1, maxLength: 200 } as const;
const VERSION = { type: 'string', minLength: 1, maxLength: 100 } as const;

/** `:id` of a driver route. */
export const driverParams = {
  type: 'object',
  required: ['id'],
  properties: { id: DRIVER_ID },
} as const;

/** `:id` of `GET /api/upgrades/:id` (a history record or a cluster rollout request). */
export const upgradeIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

/** `:id` of a resource route. */
export const resourceParams = driverParams;

/** `?locale=` of the detail routes. */
export const localeQuery = {
  type: 'object',
  properties: { locale: { type: 'string', pattern: '^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$' } },
} as const;

/** `?driverId=` filter. */
export const driverFilterQuery = {
  type: 'object',
  properties: { driverId: DRIVER_ID },
} as const;

/** `DELETE /api/drivers/:id` query. */
export const uninstallQuery = {
  type: 'object',
  properties: { version: VERSION, force: { enum: ['true', 'false', '1', '0', ''] } },
} as const;

/** `POST /api/drivers` JSON body: install from the configured repository. */
export const installBody = {
  type: 'object',
  required: ['source'],
  additionalProperties: false,
  properties: {
    source: {
      type: 'object',
      required: ['kind', 'id'],
      additionalProperties: false,
      properties: { kind: { const: 'repository' }, id: DRIVER_ID, version: VERSION },
    },
  },
} as const;

const RESOURCE_ID = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' } as const;

/** `POST /api/drivers/:id/upgrade` and `/upgrade-plan` body. */
export const upgradeBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    version: VERSION,
    // The kernel's schema (closed objects, canaries ≥ 1): the record shows the same shape.
    policy: RolloutPolicySchema,
    /** Move only these resources (bound to one version); the active version stays. */
    resources: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      uniqueItems: true,
      items: RESOURCE_ID,
    },
  },
} as const;

/** `?driverId=&version=&state=` of `GET /api/resources`. */
export const resourceFilterQuery = {
  type: 'object',
  properties: {
    driverId: DRIVER_ID,
    version: VERSION,
    state: { enum: ['active', 'suspended', 'closed'] },
  },
} as const;

/** `DELETE /api/resources/:id` query. */
export const deleteResourceQuery = {
  type: 'object',
  properties: { force: { enum: ['true', 'false', '1', '0', ''] } },
} as const;

/** `PUT /api/resources/:id/pin` body: the version to hold it on, `null` to release. */
export const pinBody = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: { version: { anyOf: [VERSION, { type: 'null' }] } },
} as const;

/** `POST /api/resources/:id/test` body (optional): absent operation = health check. */
export const testBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    operation: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9.]{0,200}$' },
    args: { type: 'array', maxItems: 20 },
    timeoutMs: { type: 'integer', minimum: 1, maximum: 600000 },
  },
} as const;

/** `POST /api/drivers/:id/rollback` body (optional): the kept version to return to. */
export const rollbackBody = {
  type: 'object',
  additionalProperties: false,
  properties: { to: VERSION },
} as const;

/** `POST /api/drivers/:id/restart` body (optional). */
export const restartBody = {
  type: 'object',
  additionalProperties: false,
  properties: { version: VERSION },
} as const;

const PROPERTY_BAG = {
  type: 'object',
  maxProperties: 200,
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
} as const;

/** `PUT /api/resources/:id/configuration` body: a configuration change. */
export const configureBody = {
  type: 'object',
  required: ['properties'],
  additionalProperties: false,
  properties: { properties: PROPERTY_BAG },
} as const;

/** `POST /api/resources` body. */
export const createResourceBody = {
  type: 'object',
  required: ['id', 'kind', 'driverId', 'properties'],
  additionalProperties: false,
  properties: {
    id: RESOURCE_ID,
    kind: { type: 'string', minLength: 1, maxLength: 100 },
    driverId: DRIVER_ID,
    name: { type: 'string', maxLength: 200 },
    properties: PROPERTY_BAG,
  },
} as const;

/** Every error response: `{ code, message, details }`, and `cause` when a typed error has one. */
export const errorSchema = {
  type: 'object',
  required: ['code', 'message', 'details'],
  properties: {
    code: { type: 'string', pattern: '^CHASSIS_E_[A-Z0-9_]+$' },
    message: { type: 'string' },
    details: { type: 'object' },
    cause: {
      type: 'object',
      description:
        'What caused it, a serialized error (`code`, `message`, `details`, its own `cause`), depth-capped',
    },
  },
} as const;
