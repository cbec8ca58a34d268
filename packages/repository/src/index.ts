/** Public API of @chassis/repository. */

// Project CA and CAR signing (src/ca, src/signing).
export * from './access/index.js';
export * from './ca/index.js';
// TUF repository, transports, mirror, updates and lock file: their barrels go below.
export * from './lock/index.js';
export * from './mirror/index.js';
export * from './repo/index.js';
export * from './signing/index.js';
export * from './transport/index.js';
export * from './tuf/index.js';
export * from './updates/index.js';
