/*
 * Building blocks of the OpenAPI document: responses, parameters and the `pub` marker shared by
 * the path descriptions of every area.
 */

/** A JSON body (request or response) with `schema`. */
export const json = (schema: object) => ({ content: { 'application/json': { schema } } });
/** A reference to a schema of `components.schemas`. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A successful JSON response (an object unless `schema` says otherwise). */
export const ok = (description: string, schema: object = { type: 'object' }) => ({
  description,
  ...json(schema),
});
/** The error responses every protected route can answer with. */
export const errors = {
  '400': { $ref: '#/components/responses/Error' },
  '401': { $ref: '#/components/responses/Error' },
  '403': { $ref: '#/components/responses/Error' },
  '404': { $ref: '#/components/responses/Error' },
  default: { $ref: '#/components/responses/Error' },
};
/** The `{id}` path parameter of a driver or resource route. */
export const idParam = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `${what} id`,
  schema: { type: 'string' },
});
/** `?locale=` of the detail routes. */
export const localeParam = {
  name: 'locale',
  in: 'query',
  description: 'Locale of labels (falls back to the base language, then en)',
  schema: { type: 'string' },
};
/** `?driverId=` filter of the list routes. */
export const driverFilter = { name: 'driverId', in: 'query', schema: { type: 'string' } };
/** Marks an operation as public (no token needed). */
export const pub = { security: [] };
/** The `Prefer` header of the actions that can answer before they end (RFC 7240). */
export const preferParam = {
  name: 'Prefer',
  in: 'header',
  description:
    '`respond-async`: answer `202 Accepted` once the action is accepted, with its status and a `Location` to follow it (`GET /api/upgrades/{id}`), instead of when it ends',
  schema: { type: 'string' },
};
/** `202 Accepted` of an action sent with `Prefer: respond-async`. */
export const acceptedResponse = {
  description: 'Accepted (`Prefer: respond-async`): follow it at `Location`',
  headers: {
    Location: { description: 'GET /api/upgrades/{id} of the action', schema: { type: 'string' } },
    'Preference-Applied': { schema: { type: 'string', enum: ['respond-async'] } },
  },
  ...json({ $ref: '#/components/schemas/UpgradeStatus' }),
};
