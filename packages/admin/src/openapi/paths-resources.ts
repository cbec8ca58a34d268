import { driverFilter, errors, idParam, json, localeParam, ok, ref } from './parts.js';

/** Paths of `/api/resources`: list, create, detail and configuration. */
export const resourcePaths = {
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
} as const;
