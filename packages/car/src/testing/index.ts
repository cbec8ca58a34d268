/**
 * Test helpers of `@chassis/car` (`@chassis/car/testing`): a byte-by-byte zip builder for hostile
 * archives, so every package can show its path refuses what the safe reader refuses.
 */

export { HOSTILE_KINDS, type HostileKind, hostileCar } from './hostile.js';
export { type RawEntry, type RawZipOptions, rawEntries, rawZip } from './raw-zip.js';
