import { Type } from '@sinclair/typebox';
import { FormFieldSchema } from './driver-summary.js';
import { SerializedErrorSchema } from './error.js';
import { literals, type Shape } from './shape.js';

/** Schema of a compartment's state. */
export const CompartmentStateSchema = literals(['active', 'suspended', 'closed']);

/** A managed thing (kernel `Resource`). */
export const ResourceSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  category: Type.String(),
  driverId: Type.String({ description: 'The driver that owns it' }),
  name: Type.Optional(Type.String()),
  attributes: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  ),
});

/** Which driver version a resource is served by (kernel `ResourceBinding`). */
export const ResourceBindingSchema = Type.Object({
  driverId: Type.String(),
  version: Type.String(),
});

/** Which cluster member owns a resource, and whether only as a fallback (cluster mode only). */
export const ResourceOwnerSchema = Type.Object(
  {
    memberId: Type.String({
      description: 'The member holding its lease: its compartment runs there',
    }),
    fallback: Type.Boolean({
      description:
        "Owned although the member does not run the resource's bound version: no live member runs it",
    }),
  },
  {
    description: 'Its owner in the cluster (absent on a standalone server, or with no live owner)',
  },
);
/** Which cluster member owns a resource. */
export type ResourceOwner = Shape<typeof ResourceOwnerSchema>;

/** A resource, its binding and its (masked) configuration. */
export const ResourceInfoSchema = Type.Object(
  {
    resource: ResourceSchema,
    binding: ResourceBindingSchema,
    configuration: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Property bag with secret values masked',
    }),
    state: CompartmentStateSchema,
    queued: Type.Integer({ description: 'Operations waiting in its compartment' }),
    pinned: Type.Optional(
      Type.Boolean({ description: 'Held on its version: whole-driver upgrades leave it there' }),
    ),
    owner: Type.Optional(ResourceOwnerSchema),
  },
  { description: 'A resource, its binding and its (masked) configuration' },
);
/** A resource, its binding and its (masked) configuration. */
export type ResourceInfo = Shape<typeof ResourceInfoSchema>;

/** `GET /api/resources/{id}`: the resource plus its bound version's form for `locale`. */
export const ResourceDetailSchema = Type.Object(
  {
    ...ResourceInfoSchema.properties,
    form: Type.Array(FormFieldSchema),
    locale: Type.String(),
  },
  { description: "A resource with its bound version's configuration form" },
);
/** `GET /api/resources/{id}`. */
export type ResourceDetail = Shape<typeof ResourceDetailSchema>;

/** The answer of a resource test. A driver error is an answer (`ok: false`), not a failure. */
export const ResourceTestResultSchema = Type.Object(
  {
    resource: Type.String(),
    driverId: Type.String(),
    version: Type.String(),
    operation: Type.String({ description: '`health` or `<point>.<method>`' }),
    ok: Type.Boolean(),
    result: Type.Optional(Type.Unknown({ description: 'What the check or operation returned' })),
    error: Type.Optional(SerializedErrorSchema),
    durationMs: Type.Number(),
  },
  { description: 'The answer of a resource test (a driver error is an answer, not a failure)' },
);
/** The answer of a resource test. */
export type ResourceTestResult = Shape<typeof ResourceTestResultSchema>;
