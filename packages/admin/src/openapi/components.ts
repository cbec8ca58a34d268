import { summarySchemas } from '@chassis/kernel/summaries';
import { json, ref } from './parts.js';
import {
  configureBody,
  createResourceBody,
  errorSchema,
  installBody,
  pinBody,
  restartBody,
  testBody,
  upgradeBody,
} from './schemas.js';

/** `components` of the OpenAPI document: security schemes, the error response, schemas. */
export const components = {
  securitySchemes: {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description: 'Admin token (generated at first start, or configured)',
    },
    queryToken: {
      type: 'apiKey',
      in: 'query',
      name: 'token',
      description: 'Only on /events (EventSource cannot send headers)',
    },
  },
  responses: { Error: { description: 'An error', ...json(ref('Error')) } },
  schemas: {
    // Driver, resource and upgrade summaries: the kernel's schemas themselves (one definition).
    ...summarySchemas,
    Error: errorSchema,
    InstallBody: installBody,
    UpgradeBody: upgradeBody,
    RestartBody: restartBody,
    ConfigureBody: configureBody,
    CreateResourceBody: createResourceBody,
    PinBody: pinBody,
    TestBody: testBody,
  },
} as const;
