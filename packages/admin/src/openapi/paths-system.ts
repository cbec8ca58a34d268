import { errors, ok, pub } from './parts.js';

/** Paths of the web UI, health, this document, Prometheus metrics and the event stream. */
export const systemPaths = {
  '/': {
    get: { summary: 'Web UI page shell', ...pub, responses: { '200': { description: 'HTML' } } },
  },
  '/ui/{file}': {
    get: {
      summary: 'Web UI files (modules, styles, the chart library)',
      ...pub,
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'JavaScript module or CSS' },
        '404': { description: 'not a UI file' },
      },
    },
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
} as const;
