export { canonicalJson } from './canonical.js';
export { RepositoryClient, type RepositoryClientOptions } from './client.js';
export {
  type ChassisTargetCustom,
  type DriverEntry,
  entryOfTarget,
  type SignerInfo,
} from './entry.js';
export { mapTufError, type TufErrorContext, type TufStage } from './errors.js';
export {
  generateRoleKey,
  ROLE_NAMES,
  type RoleKey,
  type RoleName,
  roleKeyFromPem,
  signerFor,
  tufKey,
} from './keys.js';
export { DEFAULT_LIMITS, type RepositoryLimits } from './limits.js';
