import type { UpgradeStatus as UpgradeStatusView } from '@chassis/kernel';
import type { UpgradeRecord } from './runtime-api.js';

/**
 * Where an accepted upgrade or rollback (or any history action) is: the kernel's
 * `UpgradeStatusSchema` without `href` (the admin API adds where to follow it); its `record` is
 * the action's {@link UpgradeRecord} once it began.
 */
export type UpgradeStatus = Omit<UpgradeStatusView, 'href'>;

/** Called once the action's record is stored (before anything moves). */
export type OnUpgradeBegin = (record: UpgradeRecord) => void;
