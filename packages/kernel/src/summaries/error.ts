import { Type } from '@sinclair/typebox';
import type { SerializedError } from '../errors/chassis-error.js';

/**
 * A {@link SerializedError} as summaries carry it (a failure, a restart's last error). The cause
 * is left open (`{}`): one level of schema is enough for clients, and the kernel caps the depth.
 */
export const SerializedErrorSchema = Type.Unsafe<SerializedError>(
  Type.Object(
    {
      name: Type.String(),
      code: Type.String({
        description: 'Stable CHASSIS_E_* code (or a driver code, kept verbatim)',
      }),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
      cause: Type.Optional(Type.Unknown({ description: 'The cause, a serialized error' })),
      stack: Type.Optional(Type.String()),
    },
    { description: 'A serialized ChassisError' },
  ),
);
