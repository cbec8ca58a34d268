import { driverFilter, errors, idParam, ok, ref } from './parts.js';

/** Paths of executor and driver memory metrics, update notices, upgrade history and the audit trail. */
export const operationPaths = {
  '/api/metrics/executors': {
    get: {
      summary: 'Executor metrics',
      responses: {
        '200': ok('metrics', { type: 'array', items: ref('ExecutorMetrics') }),
        ...errors,
      },
    },
  },
  '/api/metrics/memory': {
    get: {
      summary: 'Memory of each isolated driver environment (worker and process tiers)',
      description:
        'The numbers behind the chassis_driver_*_bytes gauges; a driver that does not answer within metrics.memoryTimeoutMs is left out.',
      responses: {
        '200': ok('readings', { type: 'array', items: ref('DriverMemory') }),
        ...errors,
      },
    },
  },
  '/api/updates': {
    get: {
      summary: 'Available updates',
      responses: {
        '200': ok('notices', { type: 'array', items: ref('UpdateNotice') }),
        ...errors,
      },
    },
  },
  '/api/updates/check': {
    post: {
      summary: 'Refresh repository metadata now',
      responses: {
        '200': ok('notices', { type: 'array', items: ref('UpdateNotice') }),
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
  '/api/upgrades/{id}': {
    get: {
      summary: 'One accepted upgrade or rollback (or any history action) and where it is',
      description:
        'The `Location` of a `202 Accepted` upgrade or rollback. On a cluster any member answers for the id. Unknown (or pruned) id: 404 CHASSIS_E_UPGRADE_NOT_FOUND.',
      parameters: [idParam('Action')],
      responses: { '200': ok('status', ref('UpgradeStatus')), ...errors },
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
} as const;
