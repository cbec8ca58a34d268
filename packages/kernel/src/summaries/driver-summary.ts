import { Type } from '@sinclair/typebox';
import { DriverStates } from '../lifecycle/states.js';
import {
  IsolationTierSchema,
  SignatureInfoSchema,
  VersionSummarySchema,
} from './driver-version.js';
import { literals, type Shape } from './shape.js';

/** What identifies a driver (all its versions share it). */
export const DriverIdentitySchema = Type.Object({
  id: Type.String({ description: 'Reverse-DNS driver id' }),
  name: Type.String(),
  vendor: Type.String(),
  category: Type.String(),
  activeVersion: Type.Optional(Type.String()),
});
/** What identifies a driver. */
export type DriverIdentity = Shape<typeof DriverIdentitySchema>;

/** An extension point a driver implements (`driver.yaml` `provides`). */
export const ProvidesEntrySchema = Type.Object({
  point: Type.String(),
  version: Type.String({ description: 'Semver range of the contract implemented' }),
  handles: Type.Optional(Type.Array(Type.String())),
});

/** Another driver a driver needs (`driver.yaml` `requires`). */
export const RequiresEntrySchema = Type.Object({ id: Type.String(), version: Type.String() });

/** A newer compatible version available in the configured repository. */
export const UpdateNoticeSchema = Type.Object(
  {
    id: Type.String(),
    installed: Type.String(),
    available: Type.String(),
    category: Type.String(),
  },
  { description: 'A newer compatible version in the configured repository' },
);
/** A newer compatible version available in the configured repository. */
export type UpdateNotice = Shape<typeof UpdateNoticeSchema>;

/** A row of `GET /api/drivers`: the driver, its head version's facts and every version. */
export const DriverSummarySchema = Type.Object(
  {
    ...DriverIdentitySchema.properties,
    state: Type.Optional(literals(DriverStates, { description: 'State of the head version' })),
    tier: Type.Optional(IsolationTierSchema),
    signature: Type.Optional(SignatureInfoSchema),
    provides: Type.Array(ProvidesEntrySchema),
    requires: Type.Array(RequiresEntrySchema),
    versions: Type.Array(VersionSummarySchema),
    update: Type.Optional(UpdateNoticeSchema),
  },
  {
    description:
      'An installed driver; state, tier, signature, provides and requires are those of the active version (or the newest when none is active)',
  },
);
/** A row of `GET /api/drivers`. */
export type DriverSummary = Shape<typeof DriverSummarySchema>;

/** Property types of the configuration form. */
export const PropertyTypeSchema = literals(['string', 'date', 'number', 'boolean']);

/** One field of a driver's configuration form, labels resolved for a locale. */
export const FormFieldSchema = Type.Object({
  key: Type.String(),
  label: Type.String({ description: 'Resolved label: the locale, then en, then the key' }),
  description: Type.String({ description: "'' when the descriptor has none" }),
  type: PropertyTypeSchema,
  required: Type.Boolean(),
  maxLength: Type.Optional(Type.Integer()),
  default: Type.Optional(
    Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
      description: 'Masked for secrets',
    }),
  ),
  masked: Type.Boolean({
    description: 'A secret: render a password input, never echo it',
  }),
});
/** One field of a configuration form, as the admin UI and the CLI render it. */
export type FormField = Shape<typeof FormFieldSchema>;
