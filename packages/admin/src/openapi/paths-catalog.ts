import { errors, idParam, ok } from './parts.js';

const STR = { type: 'string' } as const;

/** Who signed a catalog version (from its certificate when it was published). */
const signer = {
  type: 'object',
  required: ['subject', 'issuer', 'fingerprint256', 'validTo'],
  properties: { subject: STR, issuer: STR, fingerprint256: STR, validTo: STR },
} as const;

/** One version of a catalog driver (`CatalogVersion` of the runtime). */
const catalogVersion = {
  type: 'object',
  required: [
    'version',
    'engines',
    'provides',
    'signed',
    'sha256',
    'length',
    'compatible',
    'installed',
  ],
  properties: {
    version: STR,
    description: STR,
    license: STR,
    engines: { type: 'object', required: ['chassis'], properties: { chassis: STR } },
    provides: {
      type: 'array',
      items: {
        type: 'object',
        required: ['point', 'version'],
        properties: { point: STR, version: STR },
      },
    },
    signed: { type: 'boolean' },
    signer,
    sha256: STR,
    length: { type: 'integer' },
    compatible: { type: 'boolean', description: 'this server can run it' },
    installed: { type: 'boolean', description: 'kept on this server' },
  },
} as const;

/** A driver of the repository catalog (`CatalogDriver` of the runtime). */
export const catalogDriverSchema = {
  type: 'object',
  required: ['id', 'name', 'vendor', 'category', 'installed', 'versions'],
  properties: {
    id: STR,
    name: STR,
    vendor: STR,
    category: STR,
    description: STR,
    latest: { ...STR, description: 'newest version this server can run' },
    installed: { type: 'array', items: STR, description: 'versions installed here' },
    versions: { type: 'array', items: catalogVersion, description: 'newest first' },
  },
} as const;

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
        '200': ok('matching drivers, by id', { type: 'array', items: catalogDriverSchema }),
        ...errors,
      },
    },
  },
  '/api/catalog/{id}': {
    get: {
      summary: 'One driver of the repository catalog with every version, signer and description',
      parameters: [idParam('Driver')],
      responses: { '200': ok('driver', catalogDriverSchema), ...errors },
    },
  },
} as const;
