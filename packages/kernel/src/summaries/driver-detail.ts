import { Type } from '@sinclair/typebox';
import { DriverSummarySchema, FormFieldSchema } from './driver-summary.js';
import { VersionSummarySchema } from './driver-version.js';
import { ResourceInfoSchema } from './resource-summary.js';
import type { Shape } from './shape.js';

/** One version in the driver detail: the summary plus its rendered configuration form. */
export const VersionDetailSchema = Type.Object(
  {
    ...VersionSummarySchema.properties,
    description: Type.Optional(Type.String()),
    license: Type.String({ description: 'SPDX license id' }),
    form: Type.Array(FormFieldSchema),
  },
  { description: 'One version with its rendered configuration form' },
);
/** One version in the driver detail. */
export type VersionDetail = Shape<typeof VersionDetailSchema>;

const { versions: _versions, ...summary } = DriverSummarySchema.properties;

/** `GET /api/drivers/{id}`: the summary with forms for `locale` and the bound resources. */
export const DriverDetailSchema = Type.Object(
  {
    ...summary,
    locale: Type.String(),
    versions: Type.Array(VersionDetailSchema),
    resources: Type.Array(ResourceInfoSchema),
  },
  { description: 'A driver with configuration forms and its resources' },
);
/** `GET /api/drivers/{id}`. */
export type DriverDetail = Shape<typeof DriverDetailSchema>;
