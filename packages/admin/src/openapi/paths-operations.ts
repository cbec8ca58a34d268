import { driverFilter, errors, ok, ref } from './parts.js';

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
