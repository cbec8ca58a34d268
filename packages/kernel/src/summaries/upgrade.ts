import { Type } from '@sinclair/typebox';
import { SignatureInfoSchema } from './driver-version.js';
import { SerializedErrorSchema } from './error.js';
import { literals, type Shape } from './shape.js';

const Id = Type.String();
const Version = Type.String();

/**
 * How an upgrade moves resources from the old version to the new one. Closed objects with a
 * positive canary count, so the admin API validates request bodies with this very schema.
 */
export const RolloutPolicySchema = Type.Union(
  [
    Type.Object(
      { kind: literals(['all-at-once', 'one-at-a-time']) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('canary'),
        canaries: Type.Integer({
          minimum: 1,
          description: "Moved first, then the new version's health check, then the rest",
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'How an upgrade moves resources (default one at a time)' },
);
/** How an upgrade moves resources from the old version to the new one. */
export type RolloutPolicy = Shape<typeof RolloutPolicySchema>;

/** One resource an upgrade moves (or would move). */
export const PlannedMoveSchema = Type.Object({ id: Id, from: Version, to: Version });
/** One resource an upgrade would move. */
export type PlannedMove = Shape<typeof PlannedMoveSchema>;

/** The moves of one action, in order, recorded before the first one (see `UpgradeRecord.plan`). */
export const RecordedMovesSchema = Type.Object({
  moves: Type.Array(PlannedMoveSchema),
  partial: Type.Optional(
    Type.Boolean({
      description:
        'A partial move (upgrade of listed resources): the active version never changes, so recovery only rebinds them',
    }),
  ),
});
/** The moves of one action, in order. */
export type RecordedMoves = Shape<typeof RecordedMovesSchema>;

/** Which moves of the plan are persisted as done, and what the action was doing last. */
export const UpgradeProgressSchema = Type.Object({
  moved: Type.Array(Id, {
    description: 'Resources whose move is persisted (binding written), in the order they moved',
  }),
  phase: literals(['moving', 'rolling-back', 'committing'], {
    description:
      'moving: batches in progress; rolling-back: a failure is moving resources back; committing: every move is done and the new version is being made active',
  }),
});
/** Which moves of the plan are persisted as done. */
export type UpgradeProgress = Shape<typeof UpgradeProgressSchema>;

/** What start-up recovery did with an interrupted action. */
export const UpgradeRecoverySchema = Type.Object({
  outcome: literals(['rolled-back', 'completed'], {
    description: 'rolled-back: back to the state before the action; completed: finished per plan',
  }),
  resources: Type.Array(Type.Object({ id: Id, version: Version }), {
    description: 'Resources whose persisted binding recovery changed, and the version each uses',
  }),
  active: Type.Optional(
    Type.String({ description: 'The active version after recovery (absent: driver gone)' }),
  ),
  at: Type.String({ format: 'date-time' }),
});
/** What start-up recovery did with an interrupted action. */
export type UpgradeRecovery = Shape<typeof UpgradeRecoverySchema>;

/** One install/upgrade/rollback/uninstall, as kept in the upgrade history. */
export const UpgradeRecordSchema = Type.Object(
  {
    id: Id,
    action: literals(['install', 'upgrade', 'rollback', 'uninstall']),
    driverId: Id,
    from: Type.Optional(Version),
    to: Type.Optional(Version),
    policy: Type.Optional(RolloutPolicySchema),
    principal: Type.String({ description: 'Who asked for it' }),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
    result: literals(['running', 'succeeded', 'rolled-back', 'failed', 'interrupted'], {
      description: 'interrupted: the server died while it ran; reconciled at the next start',
    }),
    error: Type.Optional(SerializedErrorSchema),
    plan: Type.Optional(RecordedMovesSchema),
    progress: Type.Optional(UpgradeProgressSchema),
    recovery: Type.Optional(UpgradeRecoverySchema),
    resources: Type.Array(
      Type.Object({
        id: Id,
        from: Version,
        to: Version,
        pausedMs: Type.Optional(Type.Number({ description: 'How long it was paused' })),
      }),
      { description: 'Per resource: the versions it moved between, and its pause' },
    ),
  },
  { description: 'One install, upgrade, rollback or uninstall (the upgrade history)' },
);
/** One install/upgrade/rollback/uninstall, as kept in the upgrade history. */
export type UpgradeRecord = Shape<typeof UpgradeRecordSchema>;

/** A resource whose configuration does not fit the target version's property descriptor. */
export const PlannedViolationSchema = Type.Object({
  resource: Id,
  violations: Type.Unsafe<unknown>(
    Type.Array(Type.Unknown(), { description: 'The property violations (key, rule, message)' }),
  ),
});
/** A configuration that does not fit the target version's property descriptor. */
export type PlannedViolation = Shape<typeof PlannedViolationSchema>;

/**
 * What an upgrade would do, computed without changing anything (like `terraform plan`): `ok`
 * when every check passes, so applying it with the same options should succeed unless the new
 * version fails to start, migrate or pass its health check.
 */
export const UpgradePlanSchema = Type.Object(
  {
    driverId: Id,
    from: Version,
    to: Version,
    policy: RolloutPolicySchema,
    steps: Type.Array(Type.Object({ resources: Type.Array(Id), healthCheck: Type.Boolean() }), {
      description: "Batches in order, each followed by the new version's health check or not",
    }),
    resources: Type.Array(PlannedMoveSchema),
    activeAfter: Type.String({
      description: 'The active version once applied (unchanged when only a subset moves)',
    }),
    configuration: Type.Object(
      { ok: Type.Boolean(), invalid: Type.Array(PlannedViolationSchema) },
      { description: "Each resource's configuration validated against the target's descriptor" },
    ),
    contract: Type.Object(
      { ok: Type.Boolean(), error: Type.Optional(SerializedErrorSchema) },
      { description: 'Contract compatibility of provides (a major change must be declared)' },
    ),
    signer: Type.Object(
      { from: SignatureInfoSchema, to: SignatureInfoSchema, changed: Type.Boolean() },
      { description: 'Who signed each version; changed when vendor or subject differs' },
    ),
    ok: Type.Boolean(),
  },
  { description: 'What an upgrade with the same body would do; nothing changes' },
);
/** What an upgrade would do, computed without changing anything. */
export type UpgradePlan = Shape<typeof UpgradePlanSchema>;
