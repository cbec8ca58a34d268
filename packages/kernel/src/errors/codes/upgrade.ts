import { defineCodes } from './spec.js';

/** Codes owned by install/upgrade/rollback/uninstall. */
export const upgradeCodes = defineCodes({
  CHASSIS_E_UPGRADE_IN_PROGRESS: {
    status: 409,
    summary: 'Another install/upgrade of this driver is running',
  },
  CHASSIS_E_UPGRADE_MIXED_SOURCES: {
    status: 409,
    summary:
      'The resources to move are bound to different versions or drivers; move each group on its own',
    action:
      'Run one `chassis drivers upgrade --resources …` per version (see `chassis resources list --driver <id>`).',
  },
  CHASSIS_E_UPGRADE_SAME_VERSION: {
    status: 409,
    summary: 'That version is already installed and active',
  },
  CHASSIS_E_UPGRADE_CONTRACT_MAJOR: {
    status: 422,
    summary:
      'The new version changes a contract major version without declaring it handles the old one',
  },
  CHASSIS_E_UPGRADE_START_FAILED: {
    status: 502,
    summary: 'The new version failed to start; rolled back',
  },
  CHASSIS_E_UPGRADE_HEALTH_FAILED: {
    status: 502,
    summary: 'The new version failed its health check; rolled back',
  },
  CHASSIS_E_UPGRADE_MIGRATE_FAILED: {
    status: 502,
    summary: "The new version's migrate hook failed; rolled back",
  },
  CHASSIS_E_UPGRADE_NO_PREVIOUS: {
    status: 409,
    summary: 'There is no previous version to roll back to',
  },
  CHASSIS_E_UPGRADE_VERSION_NOT_KEPT: {
    status: 404,
    summary: 'The version to roll back to is not one of the kept (installed) versions',
    action:
      'Pick one of the kept versions named in the message (`chassis drivers show <id>`), or install that version first.',
  },
  CHASSIS_E_UPGRADE_NOT_FOUND: {
    status: 404,
    summary:
      'No upgrade, rollback or other history action has that id here (never accepted, or pruned by the retention)',
    action:
      'Check the id the 202 answer gave (`Location`); `chassis upgrades list` shows the history.',
  },
  CHASSIS_E_UPGRADE_NOT_INSTALLED: {
    status: 404,
    summary: 'That driver or version is not installed',
  },
  CHASSIS_E_UNINSTALL_BOUND: {
    status: 409,
    summary: 'Resources are still bound to the driver version',
  },
  CHASSIS_E_UPGRADE_POLICY_INVALID: { status: 400, summary: 'The rollout policy is malformed' },
});
