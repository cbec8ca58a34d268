import { errors, idParam, ok, ref } from './parts.js';

/** `?q=` of `GET /api/catalog`. */
export const catalogQuery = {
  type: 'object',
  properties: { q: { type: 'string', maxLength: 200 } },
} as const;

/** Paths of the repository catalog: search, and one driver with its versions. */
export const catalogPaths = {
  '/api/catalog': {
    get: {
      summary: 'Search the configured repository for drivers to install',
      description:
        'Refreshes the verified repository metadata; `q` must match (every word, case-insensitive) the id, name, vendor, category or a description. 404 CHASSIS_E_REPO_NOT_FOUND when no repository is configured.',
      parameters: [
        {
          name: 'q',
          in: 'query',
          description: 'words to match',
          schema: catalogQuery.properties.q,
        },
      ],
      responses: {
        '200': ok('matching drivers, by id', { type: 'array', items: ref('CatalogDriver') }),
        ...errors,
      },
    },
  },
  '/api/catalog/{id}': {
    get: {
      summary: 'One driver of the repository catalog with every version, signer and description',
      parameters: [idParam('Driver')],
      responses: { '200': ok('driver', ref('CatalogDriver')), ...errors },
    },
  },
} as const;
