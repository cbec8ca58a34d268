import { Type } from '@sinclair/typebox';
import type { SerializedError } from '../errors/chassis-error.js';
import { DriverStates } from '../lifecycle/states.js';
import { SerializedErrorSchema } from './error.js';
import { literals, type Shape } from './shape.js';

/** Schema of an isolation tier (the spec checks it lists the kernel's `ISOLATION_TIERS`). */
export const IsolationTierSchema = literals(['in-process', 'worker', 'process']);
/** Schema of a lifecycle state. */
export const DriverStateSchema = literals(DriverStates);

/** Signature facts of an installed CAR (from the repository's trust verification). */
export const SignatureInfoSchema = Type.Object(
  {
    signed: Type.Boolean(),
    vendor: Type.Optional(Type.String()),
    subject: Type.Optional(Type.String()),
    serial: Type.Optional(Type.String()),
    notAfter: Type.Optional(Type.String()),
  },
  { description: "Signature facts of an installed CAR (from the repository's trust check)" },
);
/** Signature facts of an installed CAR. */
export type SignatureInfo = Shape<typeof SignatureInfoSchema>;

/**
 * What a driver version's environment runs with (kernel config `confinement`): heap cap, message
 * size cap, the host environment variables it receives and the permissions granted to it.
 */
export const ConfinementLimitsSchema = Type.Object(
  {
    heapMb: Type.Integer(),
    maxMessageBytes: Type.Integer(),
    env: Type.Array(Type.String()),
    permissions: Type.Object({
      childProcess: Type.Boolean(),
      worker: Type.Boolean(),
      addons: Type.Boolean(),
      read: Type.Array(Type.String()),
    }),
  },
  { description: 'Heap cap, message cap, environment allow-list and granted permissions' },
);
/** What a driver version's environment runs with. */
export type ConfinementLimits = Shape<typeof ConfinementLimitsSchema>;

/** Automatic restarts of one driver version after its environment faulted. */
export const RestartStatusSchema = Type.Object(
  {
    attempts: Type.Integer({
      description: 'Restarts tried in a row; reset to 0 once the version stayed healthy',
    }),
    maxAttempts: Type.Integer(),
    lastError: Type.Optional(SerializedErrorSchema),
    lastFaultAt: Type.Optional(Type.String({ format: 'date-time' })),
    nextRetryAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'Absent when none is scheduled' }),
    ),
    gaveUp: Type.Boolean({
      description: 'maxAttempts restarts did not help: Failed until an operator restarts it',
    }),
  },
  { description: 'Automatic restarts after faults (restartLimits); absent: never faulted' },
);
/** Automatic restarts of one driver version after its environment faulted. */
export type RestartStatus = Shape<typeof RestartStatusSchema>;

/**
 * One installed version of a driver as every surface shows it: the runtime API adds its
 * descriptor and messages, the admin API and the CLI show exactly this.
 */
export const VersionSummarySchema = Type.Object(
  {
    version: Type.String(),
    state: DriverStateSchema,
    /** The version new resources bind to, and the target of rollback/upgrade. */
    active: Type.Boolean({ description: 'The version new resources bind to' }),
    tier: IsolationTierSchema,
    resources: Type.Array(Type.String(), { description: 'Ids of the resources bound to it' }),
    installedAt: Type.String({ format: 'date-time' }),
    sha256: Type.String({ description: 'Hex SHA-256 of the CAR file' }),
    signature: SignatureInfoSchema,
    failure: Type.Optional(
      Type.Unsafe<SerializedError>({ ...SerializedErrorSchema, description: 'Why it is Failed' }),
    ),
    limits: Type.Optional(ConfinementLimitsSchema),
    restarts: Type.Optional(RestartStatusSchema),
  },
  { description: 'One installed version of a driver' },
);
/** One installed version of a driver (no descriptor, no messages). */
export type VersionSummary = Shape<typeof VersionSummarySchema>;

/** One lifecycle transition of a driver version (kernel `LifecycleEvent`). */
export const LifecycleEventSchema = Type.Object(
  {
    driver: Type.String({ description: 'Driver id' }),
    version: Type.String(),
    from: DriverStateSchema,
    to: DriverStateSchema,
    at: Type.String({ format: 'date-time' }),
    cause: Type.Optional(SerializedErrorSchema),
  },
  { description: 'One lifecycle transition (always with its cause for Failed)' },
);
