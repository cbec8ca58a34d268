import {
  acceptedResponse,
  errors,
  idParam,
  json,
  localeParam,
  ok,
  preferParam,
  ref,
} from './parts.js';
import { rollbackBody } from './schemas.js';

/** Paths of `/api/drivers`: list, install, detail, uninstall, lifecycle and the upgrade actions. */
export const driverPaths = {
  '/api/drivers': {
    get: {
      summary: 'Installed drivers',
      responses: {
        '200': ok('drivers', { type: 'array', items: ref('DriverSummary') }),
        ...errors,
      },
    },
    post: {
      summary: 'Install a driver from the repository (JSON) or from an uploaded CAR (octet-stream)',
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: ref('InstallBody') },
          'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
        },
      },
      responses: {
        '201': ok('install record', ref('UpgradeRecord')),
        '413': { $ref: '#/components/responses/Error' },
        ...errors,
      },
    },
  },
  '/api/drivers/{id}': {
    get: {
      summary: 'Driver detail with rendered configuration forms',
      parameters: [idParam('Driver'), localeParam],
      responses: { '200': ok('driver', ref('DriverDetail')), ...errors },
    },
    delete: {
      summary: 'Uninstall a driver (or one version)',
      parameters: [
        idParam('Driver'),
        { name: 'version', in: 'query', schema: { type: 'string' } },
        { name: 'force', in: 'query', schema: { type: 'boolean' } },
      ],
      responses: { '200': ok('uninstall record', ref('UpgradeRecord')), ...errors },
    },
  },
  '/api/drivers/{id}/lifecycle': {
    get: {
      summary: 'Lifecycle history',
      parameters: [idParam('Driver')],
      responses: {
        '200': ok('events', { type: 'array', items: ref('LifecycleEvent') }),
        ...errors,
      },
    },
  },
  '/api/drivers/{id}/upgrade-plan': {
    post: {
      summary:
        'What an upgrade with this body would do (from → to, resources, batches, configuration, contract and signer checks); changes nothing',
      parameters: [idParam('Driver')],
      requestBody: json(ref('UpgradeBody')),
      responses: { '200': ok('upgrade plan', ref('UpgradePlan')), ...errors },
    },
  },
  '/api/drivers/{id}/upgrade': {
    post: {
      summary:
        'Upgrade with a rollout policy (default one at a time); with resources, only those move',
      parameters: [idParam('Driver'), preferParam],
      requestBody: json(ref('UpgradeBody')),
      responses: {
        '200': ok('upgrade record', ref('UpgradeRecord')),
        '202': acceptedResponse,
        ...errors,
      },
    },
  },
  '/api/drivers/{id}/rollback': {
    post: {
      summary: 'Roll back to the previous version, or to a chosen kept version',
      description:
        'Body `{ to }` (optional) names a kept (installed) version; one that is not kept is 404 CHASSIS_E_UPGRADE_VERSION_NOT_KEPT with `details.kept`.',
      parameters: [idParam('Driver'), preferParam],
      requestBody: { required: false, ...json(rollbackBody) },
      responses: {
        '200': ok('rollback record', ref('UpgradeRecord')),
        '202': acceptedResponse,
        ...errors,
      },
    },
  },
  '/api/drivers/{id}/restart': {
    post: {
      summary: 'Restart a Failed driver version',
      parameters: [idParam('Driver')],
      requestBody: json(ref('RestartBody')),
      responses: { '200': ok('driver', ref('DriverDetail')), ...errors },
    },
  },
} as const;
