export type { Checkpoint } from './context.js';
export * from './driver-manager.js';
export type { DriverReconcileResult } from './reconcile.js';
export type { DriverRecord, VersionRecord } from './records.js';
export * from './restart-supervisor.js';
export { keptVersions, type RollbackCandidates, rollbackTarget } from './rollback-target.js';
export * from './types.js';
export { movable, newestInstalled, sourceVersion } from './upgrade.js';
