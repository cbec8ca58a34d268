export { type BundleLimits, exportBundle, type ImportOptions, importBundle } from './bundle.js';
export {
  type MirrorOptions,
  type MirrorProgress,
  type MirrorResult,
  mirrorRepository,
} from './mirror.js';
export { verifyRootChain } from './root-chain.js';
export { type MirrorReport, verifyMirror } from './verify.js';
