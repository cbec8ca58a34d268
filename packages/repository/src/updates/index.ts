export {
  findUpdates,
  type HostCompatibility,
  type InstalledDriver,
  isCompatible,
  type UpdateNotice,
} from './find-updates.js';
export { UpdateMonitor, type UpdateMonitorOptions, type UpdateSource } from './monitor.js';
