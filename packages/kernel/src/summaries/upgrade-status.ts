import { Type } from '@sinclair/typebox';
import { SerializedErrorSchema } from './error.js';
import { literals, type Shape } from './shape.js';
import { UpgradeRecordSchema } from './upgrade.js';

/**
 * Where an accepted action is. `accepted`: taken, not begun yet (a cluster request waiting for
 * the leader); then the history record's own `result` vocabulary (`running`, `succeeded`,
 * `rolled-back`, `failed`, `interrupted`), so one outcome has one word everywhere.
 */
export const UpgradeStateSchema = literals(
  ['accepted', 'running', 'succeeded', 'rolled-back', 'failed', 'interrupted'],
  { description: 'accepted (not begun yet), running, then how it ended' },
);
/** Where an accepted action is. */
export type UpgradeState = Shape<typeof UpgradeStateSchema>;

/**
 * An upgrade, rollback (or any action of the history) followed by its id: the `202 Accepted`
 * answer of `Prefer: respond-async` and `GET /api/upgrades/{id}`. On a cluster the id is the
 * durable rollout request's, so any member answers for it.
 */
export const UpgradeStatusSchema = Type.Object(
  {
    id: Type.String({ description: 'The action id (history record, or cluster rollout)' }),
    href: Type.String({ description: 'Where to follow it: /api/upgrades/{id}' }),
    action: literals(['install', 'upgrade', 'rollback', 'uninstall']),
    driverId: Type.String(),
    from: Type.Optional(Type.String()),
    to: Type.Optional(Type.String()),
    state: UpgradeStateSchema,
    phase: Type.Optional(
      literals(['moving', 'rolling-back', 'committing'], {
        description: 'What a running action does now',
      }),
    ),
    progress: Type.Optional(
      Type.Object(
        {
          moved: Type.Integer({ minimum: 0, description: 'Resources whose move is recorded' }),
          total: Type.Integer({ minimum: 0, description: 'Resources the plan moves' }),
        },
        { description: 'Resources moved of the plan' },
      ),
    ),
    acceptedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
    error: Type.Optional(SerializedErrorSchema),
    leader: Type.Optional(
      Type.String({ description: 'Cluster mode: the member that coordinates it' }),
    ),
    record: Type.Optional(UpgradeRecordSchema),
  },
  { description: 'An accepted upgrade or rollback (or any history action) and where it is' },
);
/** An accepted action and where it is. */
export type UpgradeStatus = Shape<typeof UpgradeStatusSchema>;
