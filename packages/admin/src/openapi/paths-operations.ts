import { driverFilter, errors, ok, ref } from './parts.js';

/** Paths of executor metrics, update notices, upgrade history and the audit trail. */
export const operationPaths = {
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
} as const;
