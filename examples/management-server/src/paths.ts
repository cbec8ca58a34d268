import { fileURLToPath } from 'node:url';

/** The package folder (`dist/..` at run time, `src/..` under vitest). */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Where the build puts the example CARs: the embedded default repository. */
export const DEFAULT_REPOSITORY_DIR = fileURLToPath(new URL('../dist/repository', import.meta.url));

/** The demo's data directory; wiped at every demo start so every run is the same. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../.chassis/demo-data', import.meta.url));

/** The example driver projects packed by the build. */
export const DRIVERS_DIR = fileURLToPath(new URL('../../drivers', import.meta.url));
