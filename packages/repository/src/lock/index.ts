export { diffLock, type LockDiff, verifyLock } from './diff.js';
export {
  createLock,
  type InstallLock,
  type LockedDriver,
  parseLock,
  readLock,
  writeLock,
} from './lock.js';
