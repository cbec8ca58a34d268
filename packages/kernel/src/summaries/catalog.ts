import { Type } from '@sinclair/typebox';
import type { Shape } from './shape.js';

/** Who signed a CAR offered by the repository (read from its certificate when it was published). */
export const CatalogSignerSchema = Type.Object({
  subject: Type.String(),
  issuer: Type.String(),
  fingerprint256: Type.String(),
  validTo: Type.String(),
});
/** Who signed a CAR offered by the repository. */
export type CatalogSigner = Shape<typeof CatalogSignerSchema>;

/** What one offered version says about itself, apart from the driver it belongs to. */
const offeredVersion = {
  version: Type.String(),
  description: Type.Optional(Type.String()),
  license: Type.Optional(Type.String()),
  engines: Type.Object({ chassis: Type.String() }),
  provides: Type.Array(Type.Object({ point: Type.String(), version: Type.String() })),
  signed: Type.Boolean(),
  signer: Type.Optional(CatalogSignerSchema),
  sha256: Type.String(),
  length: Type.Integer(),
  compatible: Type.Boolean({
    description: 'This server can run it (its engines.chassis and provides ranges fit)',
  }),
};

/**
 * One driver version as the configured repository offers it (verified TUF metadata, no
 * download): what a catalog source hands the runtime.
 */
export const CatalogOfferSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  vendor: Type.String(),
  category: Type.String(),
  ...offeredVersion,
});
/** One driver version as the configured repository offers it. */
export type CatalogOffer = Shape<typeof CatalogOfferSchema>;

/** One version of a catalog driver. */
export const CatalogVersionSchema = Type.Object(
  {
    ...offeredVersion,
    installed: Type.Boolean({ description: 'Kept on this server' }),
  },
  { description: 'One version of a catalog driver' },
);
/** One version of a catalog driver. */
export type CatalogVersion = Shape<typeof CatalogVersionSchema>;

/** A driver of the repository catalog with every version it offers, newest first. */
export const CatalogDriverSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    vendor: Type.String(),
    category: Type.String(),
    description: Type.Optional(Type.String({ description: "The newest version's description" })),
    latest: Type.Optional(
      Type.String({ description: 'The newest version this server can run (absent: none)' }),
    ),
    installed: Type.Array(Type.String(), { description: 'Versions installed on this server' }),
    versions: Type.Array(CatalogVersionSchema, { description: 'Newest first' }),
  },
  { description: 'A driver of the repository catalog' },
);
/** A driver of the repository catalog with every version it offers, newest first. */
export type CatalogDriver = Shape<typeof CatalogDriverSchema>;
