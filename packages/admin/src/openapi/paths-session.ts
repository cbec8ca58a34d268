import { errors, ok, ref } from './parts.js';

/** Paths of the caller's session and the metrics history (both for the web UI). */
export const sessionPaths = {
  '/api/session': {
    get: {
      operationId: 'getSession',
      summary: 'Who the token is and which UI actions it may perform',
      responses: {
        '200': ok('session', {
          type: 'object',
          required: ['principal', 'roles', 'actions'],
          properties: {
            principal: { type: 'string' },
            roles: { type: 'array', items: { type: 'string' } },
            actions: { type: 'array', items: { type: 'string' } },
          },
        }),
        ...errors,
      },
    },
  },
  '/api/metrics/history': {
    get: {
      operationId: 'getMetricsHistory',
      summary: 'Short in-memory history of per-driver call rate, errors, latency and memory',
      description:
        'Kept in memory only (default: one sample every 5 s, the last 120); a restart empties it.',
      responses: {
        '200': ok('history', ref('MetricsHistory')),
        ...errors,
      },
    },
  },
};
