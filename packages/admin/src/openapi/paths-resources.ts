import { driverFilter, errors, idParam, json, localeParam, ok, ref } from './parts.js';

/** Paths of `/api/resources`: list, create, detail and configuration. */
export const resourcePaths = {
  '/api/resources': {
    get: {
      summary: 'Resources and their bound versions',
      parameters: [
        driverFilter,
        { name: 'version', in: 'query', schema: { type: 'string' } },
        { name: 'state', in: 'query', schema: { enum: ['active', 'suspended', 'closed'] } },
      ],
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
      responses: { '200': ok('resource', ref('ResourceDetail')), ...errors },
    },
    delete: {
      summary:
        'Delete a resource and its configuration (secrets included); refused with CHASSIS_E_RESOURCE_BUSY while operations run, unless force',
      parameters: [
        idParam('Resource'),
        { name: 'force', in: 'query', schema: { type: 'boolean' } },
      ],
      responses: {
        '204': { description: 'deleted' },
        '409': { $ref: '#/components/responses/Error' },
        ...errors,
      },
    },
  },
  '/api/resources/{id}/pin': {
    put: {
      summary:
        'Move a resource to an installed version and hold it there (version null releases the pin)',
      parameters: [idParam('Resource')],
      requestBody: { required: true, ...json(ref('PinBody')) },
      responses: { '200': ok('resource', ref('ResourceInfo')), ...errors },
    },
  },
  '/api/resources/{id}/test': {
    post: {
      summary:
        "Run the driver's health check, or a read-only operation of the contract, on a resource",
      parameters: [idParam('Resource')],
      requestBody: { required: false, ...json(ref('TestBody')) },
      responses: {
        '200': ok('test result', ref('ResourceTestResult')),
        '422': { $ref: '#/components/responses/Error' },
        ...errors,
      },
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
